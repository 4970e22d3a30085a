using Agora.ServiceDefaults;
using Agora.ServiceDefaults.Http;
using Agora.ServiceDefaults.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Agora.Identity.Infrastructure;

/// <summary>
/// Demo accounts and clients for a newcomer (README lists them). Created on an empty database in the embedded mode,
/// or wherever <c>Identity:SeedDemoAccounts</c> is true; never otherwise.
/// </summary>
internal sealed partial class DemoSeeder(
    IOptions<IdentityOptions> options, IOptions<AgoraOptions> agora, IOpenIddictApplicationManager applications,
    IPasswordHasher<User> hasher, TimeProvider clock, ILogger<DemoSeeder> logger) : IDataSeeder<IdentityDbContext>
{
    public const string AdminEmail = "admin@agora.local", AdminPassword = "Admin!2345";
    public const string CustomerEmail = "customer@agora.local", CustomerPassword = "Customer!2345";
    public const string WebClientId = "agora-web", ScriptsClientId = "agora-scripts", ScriptsClientSecret = "agora-scripts-secret";
    public const string PartnerClientId = "agora-partner";

    public static readonly string[] WebRedirectUris = ["http://localhost:3000/callback", "http://127.0.0.1:8765/callback"];
    public const string PartnerRedirectUri = "http://localhost:4000/callback";

    public async Task SeedAsync(IdentityDbContext db, CancellationToken cancellationToken)
    {
        if (!(options.Value.SeedDemoAccounts ?? agora.Value.Mode == AgoraMode.Embedded) || await db.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.Users.Add(NewUser("Demo Admin", AdminEmail, AdminPassword, "admin customer", now));
        db.Users.Add(NewUser("Demo Customer", CustomerEmail, CustomerPassword, "customer", now));
        await db.SaveChangesAsync(cancellationToken);

        string[] userScopes = [Permissions.Prefixes.Scope + Scopes.Email, Permissions.Prefixes.Scope + Scopes.Profile,
            Permissions.Prefixes.Scope + Scopes.Roles, .. IdentityDefaults.ApiScopes.Select(s => Permissions.Prefixes.Scope + s)];
        await CreateClientAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = WebClientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "Agora web and CLI",
        }, WebRedirectUris, userScopes, authorizationCode: true, cancellationToken);
        await CreateClientAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = PartnerClientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Explicit,
            DisplayName = "Demo partner app",
        }, [PartnerRedirectUri], [Permissions.Prefixes.Scope + "read:orders", Permissions.Prefixes.Scope + Scopes.Profile], authorizationCode: true, cancellationToken);
        await CreateClientAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ScriptsClientId,
            ClientSecret = ScriptsClientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "Agora scripts and services",
        }, [], [.. IdentityDefaults.ApiScopes.Select(s => Permissions.Prefixes.Scope + s)], authorizationCode: false, cancellationToken);
        LogSeeded(logger);
    }

    private User NewUser(string name, string email, string password, string roles, DateTime now)
    {
        var user = new User
        {
            Id = Ids.New("usr"), Email = email, EmailNormalized = email.ToUpperInvariant(), Name = name, Roles = roles,
            Status = UserStatus.Active, CreatedAt = now, UpdatedAt = now,
        };
        user.PasswordHash = hasher.HashPassword(user, password);
        return user;
    }

    private async Task CreateClientAsync(OpenIddictApplicationDescriptor descriptor, IEnumerable<string> redirectUris,
        IEnumerable<string> scopePermissions, bool authorizationCode, CancellationToken ct)
    {
        foreach (var uri in redirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Endpoints.Revocation, Permissions.Endpoints.Introspection, .. scopePermissions]);
        if (authorizationCode)
        {
            descriptor.Permissions.UnionWith([Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }
        else
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }

        await applications.CreateAsync(descriptor, ct);
    }

    [LoggerMessage(EventId = 3200, Level = LogLevel.Warning, Message = "Created the DEMO accounts and clients (development only; see README)")]
    private static partial void LogSeeded(ILogger logger);
}
