using System.ComponentModel.DataAnnotations;

namespace Agora.Identity.Features.Clients;

/// <summary>How a client authenticates.</summary>
public enum ClientKind
{
    /// <summary>A browser or native app: no secret, authorization code with PKCE only, never a staff scope.</summary>
    Public,

    /// <summary>A server-side client with a secret: client credentials (services) and/or authorization code (back office).</summary>
    Confidential,
}

/// <summary>
/// One OAuth client, <c>Identity:Clients:&lt;client id&gt;</c>. Created or updated at every start, so configuration is
/// the truth for the clients it names (the admin API cannot change or revoke them); the secret comes from
/// configuration, i.e. a secret store in production (<c>Identity__Clients__agora-scripts__Secret</c>).
/// </summary>
public sealed class ClientOptions
{
    /// <summary>Public or confidential.</summary>
    public ClientKind Type { get; set; } = ClientKind.Public;

    /// <summary>The shop's own application: consented implicitly and may learn the user's roles (the <c>roles</c> scope).</summary>
    public bool FirstParty { get; set; }

    /// <summary>Shown on the consent page.</summary>
    [MaxLength(100)]
    public string? DisplayName { get; set; }

    /// <summary>Exact redirect URIs of the authorization code flow; none means a client-credentials (service) client.</summary>
    public List<string> RedirectUris { get; set; } = [];

    /// <summary>
    /// Exact addresses the end-session endpoint may send the browser back to (<c>post_logout_redirect_uri</c>): a client
    /// that signs its users out of Identity too (the storefront). None: Identity's own page after sign-out.
    /// </summary>
    public List<string> PostLogoutRedirectUris { get; set; } = [];

    /// <summary>Scopes it may ask for; what a token then carries also depends on the user's roles (ScopePolicy).</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>Confidential clients: the secret (at least 24 characters), from a secret store.</summary>
    public string? Secret { get; set; }

    /// <summary>Whether it uses the authorization code flow (it has redirect URIs).</summary>
    public bool Interactive => RedirectUris.Count > 0;
}

/// <summary>Refuses to start on an invalid <c>Identity:Clients</c> entry, saying which and why.</summary>
internal sealed class ClientsValidator : Microsoft.Extensions.Options.IValidateOptions<IdentityOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        var problems = options.Clients.SelectMany(c => ClientRegistry.Problems(c.Key, c.Value, secretRequired: true))
            .Select(p => $"{IdentityOptions.SectionName}:Clients:{p}").ToList();
        return problems.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);
    }
}
