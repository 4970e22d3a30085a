namespace Agora.Identity.Features.Clients;

/// <summary>Where a client's definition lives: who may change it.</summary>
public enum ClientSource
{
    /// <summary><c>Identity:Clients</c>: re-applied at every start; change it there.</summary>
    Configuration,

    /// <summary>The demo clients of the Development environment.</summary>
    Development,

    /// <summary>Created through the admin API; rotated and revoked there.</summary>
    Api,
}

/// <summary>Turns a client definition into OpenIddict's application and reads back what grant decisions need.</summary>
internal static class ClientRegistry
{
    private const string FirstPartyProperty = "agora_first_party", SourceProperty = "agora_source";

    /// <summary>Creates the client, or brings an existing one in line with <paramref name="client"/> (secret included when given).</summary>
    public static async Task ApplyAsync(IOpenIddictApplicationManager manager, string clientId, ClientOptions client, ClientSource source, CancellationToken ct)
    {
        var descriptor = Describe(clientId, client, source);
        var existing = await manager.FindByClientIdAsync(clientId, ct);
        if (existing is null)
        {
            await manager.CreateAsync(descriptor, ct);
            return;
        }

        if (descriptor.ClientSecret is null && client.Type == ClientKind.Confidential)
        {
            // Keep the stored (hashed) secret: only a configured one replaces it.
            var current = new OpenIddictApplicationDescriptor();
            await manager.PopulateAsync(current, existing, ct);
            descriptor.ClientSecret = current.ClientSecret;
        }

        await manager.UpdateAsync(existing, descriptor, ct);
    }

    public static OpenIddictApplicationDescriptor Describe(string clientId, ClientOptions client, ClientSource source)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = client.Type == ClientKind.Confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ClientSecret = client.Type == ClientKind.Confidential ? client.Secret : null,
            // The shop's own apps need no consent screen; anyone else's asks the user once.
            ConsentType = client.FirstParty ? ConsentTypes.Implicit : ConsentTypes.Explicit,
            DisplayName = client.DisplayName ?? clientId,
        };
        descriptor.Properties[FirstPartyProperty] = JsonSerializer.SerializeToElement(client.FirstParty);
        descriptor.Properties[SourceProperty] = JsonSerializer.SerializeToElement(source.ToString());
        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        foreach (var uri in client.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        }

        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Endpoints.Revocation, .. client.Scopes.Select(s => Permissions.Prefixes.Scope + s)]);
        if (client.Type == ClientKind.Confidential)
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        }

        if (client.Interactive)
        {
            descriptor.Permissions.UnionWith([Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }
        else
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }

        return descriptor;
    }

    /// <summary>What the grant decisions need to know about the client <paramref name="clientId"/>.</summary>
    public static async Task<ClientFacts> FactsAsync(IOpenIddictApplicationManager manager, string clientId, CancellationToken ct)
    {
        var application = await manager.FindByClientIdAsync(clientId, ct)
            ?? throw new InvalidOperationException("OpenIddict validated an unknown client.");
        var permissions = await manager.GetPermissionsAsync(application, ct);
        var properties = await manager.GetPropertiesAsync(application, ct);
        var firstParty = properties.TryGetValue(FirstPartyProperty, out var value) && value.ValueKind == JsonValueKind.True;
        var scopes = permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..]).ToHashSet(StringComparer.Ordinal);
        return new ClientFacts(clientId, await manager.HasClientTypeAsync(application, ClientTypes.Confidential, ct), firstParty, scopes);
    }

    /// <summary>Where the client's definition lives (API-created when unmarked).</summary>
    public static async Task<ClientSource> SourceAsync(IOpenIddictApplicationManager manager, object application, CancellationToken ct)
    {
        var properties = await manager.GetPropertiesAsync(application, ct);
        return properties.TryGetValue(SourceProperty, out var value) && value.ValueKind == JsonValueKind.String
            && Enum.TryParse<ClientSource>(value.GetString(), out var source) ? source : ClientSource.Api;
    }

    /// <summary>A client's definition as stored.</summary>
    public static async Task<(ClientOptions Client, ClientSource Source)> ReadAsync(IOpenIddictApplicationManager manager, object application, CancellationToken ct)
    {
        var facts = await FactsAsync(manager, (await manager.GetClientIdAsync(application, ct))!, ct);
        var client = new ClientOptions
        {
            Type = facts.Confidential ? ClientKind.Confidential : ClientKind.Public,
            FirstParty = facts.FirstParty,
            DisplayName = await manager.GetDisplayNameAsync(application, ct),
            RedirectUris = [.. (await manager.GetRedirectUrisAsync(application, ct)).Order(StringComparer.Ordinal)],
            Scopes = [.. facts.AllowedScopes.Order(StringComparer.Ordinal)],
        };
        return (client, await SourceAsync(manager, application, ct));
    }

    /// <summary>Configuration errors of one client definition (empty when valid).</summary>
    public static IEnumerable<string> Problems(string clientId, ClientOptions client, bool secretRequired)
    {
        var known = IdentityDefaults.ApiScopes.Concat([Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles, Scopes.OfflineAccess]).ToHashSet(StringComparer.Ordinal);
        foreach (var scope in client.Scopes.Where(s => !known.Contains(s)))
        {
            yield return $"{clientId}: unknown scope '{scope}'.";
        }

        foreach (var uri in client.PostLogoutRedirectUris.Where(u => !Uri.TryCreate(u, UriKind.Absolute, out var parsed) || parsed.Fragment.Length > 0))
        {
            yield return $"{clientId}: post-logout redirect URI '{uri}' must be absolute, without a fragment.";
        }

        foreach (var uri in client.RedirectUris.Where(u => !Uri.TryCreate(u, UriKind.Absolute, out var parsed) || parsed.Fragment.Length > 0))
        {
            yield return $"{clientId}: redirect URI '{uri}' must be absolute, without a fragment.";
        }

        if (client.Type == ClientKind.Public && !string.IsNullOrEmpty(client.Secret))
        {
            yield return $"{clientId}: a public client has no secret.";
        }

        if (client.Type == ClientKind.Public && !client.Interactive)
        {
            yield return $"{clientId}: a public client needs redirect URIs (authorization code with PKCE).";
        }

        if (client.Type == ClientKind.Confidential && secretRequired && (client.Secret is null || client.Secret.Length < 24))
        {
            yield return $"{clientId}: a confidential client needs a Secret of at least 24 characters (from a secret store).";
        }
    }
}
