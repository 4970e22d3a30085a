using Microsoft.AspNetCore.Identity;

namespace Agora.Identity.Infrastructure;

/// <summary>
/// Demo accounts and clients for a newcomer (README lists them), in the Development environment only
/// (<c>ASPNETCORE_ENVIRONMENT=Development</c>; <c>Identity:SeedDemoAccounts=false</c> turns them off there). The users are
/// created on an empty database; the clients are brought in line with the definitions below at every start. Outside
/// Development nothing here runs, and every service refuses to start with one of these secrets configured
/// (<c>Agora.Hosting.DemoSecrets</c>).
/// </summary>
internal sealed partial class DemoSeeder(
    IOptions<IdentityOptions> options, IHostEnvironment environment, IOpenIddictApplicationManager applications,
    IPasswordHasher<User> hasher, TimeProvider clock, ILogger<DemoSeeder> logger) : IDataSeeder<IdentityDbContext>
{
    public const string AdminEmail = "admin@agora.local", AdminPassword = DemoSecrets.AdminPassword;
    public const string CustomerEmail = "customer@agora.local", CustomerPassword = DemoSecrets.CustomerPassword;
    public const string WebClientId = "agora-web", ScriptsClientId = "agora-scripts", ScriptsClientSecret = DemoSecrets.ScriptsClientSecret;
    public const string AdminClientId = "agora-admin", AdminClientSecret = DemoSecrets.AdminClientSecret;
    public const string PartnerClientId = "agora-partner";

    public static readonly string[] WebRedirectUris = ["http://localhost:3000/callback", "http://127.0.0.1:8765/callback"];
    public const string PartnerRedirectUri = "http://localhost:4000/callback";

    private static readonly string[] CustomerScopes =
    [
        AgoraScopes.ReadUsers, AgoraScopes.WriteUsers, AgoraScopes.ReadOrders, AgoraScopes.WriteOrders, AgoraScopes.ReadCatalog,
        AgoraScopes.ReadPayments, AgoraScopes.ReadShipments, AgoraScopes.ReadNotifications,
    ];

    private static readonly string[] UserScopes = [Scopes.Profile, Scopes.Email, Scopes.Roles, .. CustomerScopes];

    /// <summary>The demo clients: the web app (public), the back office (confidential, staff scopes), a partner app, scripts.</summary>
    public static readonly IReadOnlyDictionary<string, ClientOptions> Clients = new Dictionary<string, ClientOptions>
    {
        [WebClientId] = new()
        {
            Type = ClientKind.Public, FirstParty = true, DisplayName = "Agora web and CLI",
            RedirectUris = [.. WebRedirectUris], Scopes = [.. UserScopes],
        },
        [AdminClientId] = new()
        {
            Type = ClientKind.Confidential, FirstParty = true, DisplayName = "Agora back office", Secret = AdminClientSecret,
            RedirectUris = [.. WebRedirectUris], Scopes = [.. UserScopes, .. ScopePolicy.Rules.Where(r => r.Staff && r.Roles.Length > 0).Select(r => r.Scope)],
        },
        [PartnerClientId] = new()
        {
            Type = ClientKind.Public, FirstParty = false, DisplayName = "Demo partner app",
            RedirectUris = [PartnerRedirectUri], Scopes = [AgoraScopes.ReadOrders, Scopes.Profile],
        },
        [ScriptsClientId] = new()
        {
            Type = ClientKind.Confidential, FirstParty = true, DisplayName = "Agora scripts and services", Secret = ScriptsClientSecret,
            Scopes = [.. IdentityDefaults.ServiceScopes],
        },
    };

    /// <summary>Whether the demo users and clients exist here: Development only, unless turned off there.</summary>
    public static bool Enabled(IHostEnvironment environment, IdentityOptions options) =>
        environment.IsDevelopment() && options.SeedDemoAccounts != false;

    public async Task SeedAsync(IdentityDbContext db, CancellationToken cancellationToken)
    {
        if (!Enabled(environment, options.Value))
        {
            return;
        }

        foreach (var (clientId, client) in Clients.Where(c => !options.Value.Clients.ContainsKey(c.Key)))
        {
            await ClientRegistry.ApplyAsync(applications, clientId, client, ClientSource.Development, cancellationToken);
        }

        if (await db.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.Users.Add(NewUser("Demo Admin", AdminEmail, AdminPassword, "admin customer", now));
        db.Users.Add(NewUser("Demo Customer", CustomerEmail, CustomerPassword, AgoraRoles.Customer, now));
        await db.SaveChangesAsync(cancellationToken);
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

    [LoggerMessage(EventId = 3200, Level = LogLevel.Warning, Message = "Created the DEMO accounts (Development environment only; see README)")]
    private static partial void LogSeeded(ILogger logger);
}

/// <summary>Creates or updates the clients of <c>Identity:Clients</c> at every start: configuration is their truth.</summary>
internal sealed partial class ConfiguredClientsSeeder(IOptions<IdentityOptions> options, IOpenIddictApplicationManager applications, ILogger<ConfiguredClientsSeeder> logger)
    : IDataSeeder<IdentityDbContext>
{
    public async Task SeedAsync(IdentityDbContext db, CancellationToken cancellationToken)
    {
        foreach (var (clientId, client) in options.Value.Clients)
        {
            await ClientRegistry.ApplyAsync(applications, clientId, client, ClientSource.Configuration, cancellationToken);
        }

        if (options.Value.Clients.Count > 0)
        {
            LogApplied(logger, options.Value.Clients.Count);
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Applied {Count} client(s) from Identity:Clients")]
    private static partial void LogApplied(ILogger logger, int count);
}
