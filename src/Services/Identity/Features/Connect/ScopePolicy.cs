namespace Agora.Identity.Features.Connect;

/// <summary>Who may hold a scope.</summary>
/// <param name="Scope">The scope.</param>
/// <param name="Roles">Roles whose users may hold it in a user token (any signed-in user when empty).</param>
/// <param name="Staff">A staff scope: in a user token only through a confidential client, never a public one.</param>
/// <param name="Service">May be held by a client-credentials (service) token, if the client's permissions list it.</param>
internal sealed record ScopeRule(string Scope, string[] Roles, bool Staff, bool Service);

/// <summary>
/// The one table of who may hold which scope. A token carries the intersection of what was asked, what the client may
/// ask (its permissions) and what this table allows:
/// <list type="bullet">
/// <item>user tokens (authorization code, refresh): the user's roles, read from the database at every grant and refresh,
/// so a revoked role shrinks the next refresh; staff scopes only through a confidential client;</item>
/// <item>service tokens (client credentials): the scopes marked <see cref="ScopeRule.Service"/>.</item>
/// </list>
/// </summary>
internal static class ScopePolicy
{
    private static readonly string[] Anyone = [];
    private static readonly string[] Staff = [AgoraRoles.Admin];

    /// <summary>The table (README: "Who holds which scope").</summary>
    public static readonly IReadOnlyList<ScopeRule> Rules =
    [
        // What a customer does with their own data (the services check ownership).
        new(AgoraScopes.ReadUsers, Anyone, Staff: false, Service: true),
        new(AgoraScopes.WriteUsers, Anyone, Staff: false, Service: true),
        new(AgoraScopes.ReadOrders, Anyone, Staff: false, Service: true),
        new(AgoraScopes.WriteOrders, Anyone, Staff: false, Service: true),
        new(AgoraScopes.ReadCatalog, Anyone, Staff: false, Service: true),
        new(AgoraScopes.ReadPayments, Anyone, Staff: false, Service: true),
        new(AgoraScopes.ReadShipments, Anyone, Staff: false, Service: true),
        new(AgoraScopes.ReadNotifications, Anyone, Staff: false, Service: true),

        // Staff: the admin role, through a confidential (first-party back-office) client; or a service.
        new(AgoraScopes.WriteCatalog, Staff, Staff: true, Service: true),
        new(AgoraScopes.WriteInventory, Staff, Staff: true, Service: true),
        new(AgoraScopes.WritePayments, Staff, Staff: true, Service: true),
        new(AgoraScopes.WriteShipments, Staff, Staff: true, Service: true),
        new(AgoraScopes.AdminOps, Staff, Staff: true, Service: false),

        // Services only: the gateway checking partner API keys.
        new(AgoraScopes.VerifyApiKeys, Anyone, Staff: true, Service: true),
    ];

    /// <summary>OpenID Connect scopes any user token may hold (the <c>roles</c> scope only for first-party clients).</summary>
    private static readonly string[] OidcScopes = [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess];

    private static readonly Dictionary<string, ScopeRule> ByScope = Rules.ToDictionary(r => r.Scope, StringComparer.Ordinal);

    /// <summary>Scopes a staff member may hold (README table).</summary>
    public static IEnumerable<string> StaffScopes => Rules.Where(r => r.Staff).Select(r => r.Scope);

    /// <summary>
    /// What a user token gets: asked ∩ the client's permitted scopes ∩ what the user's roles allow from this client.
    /// </summary>
    public static IReadOnlyList<string> ForUser(IEnumerable<string> asked, ClientFacts client, IReadOnlyCollection<string> roles) =>
        [.. asked.Distinct(StringComparer.Ordinal).Where(scope => UserMayHold(scope, client, roles) && (OidcScopes.Contains(scope) || client.Allows(scope)))];

    /// <summary>Whether a user with <paramref name="roles"/> may hold <paramref name="scope"/> through <paramref name="client"/>.</summary>
    public static bool UserMayHold(string scope, ClientFacts client, IReadOnlyCollection<string> roles)
    {
        if (OidcScopes.Contains(scope))
        {
            return true;
        }

        if (scope == Scopes.Roles)
        {
            // Roles describe the user to the client: only first-party clients learn them.
            return client.FirstParty;
        }

        if (!ByScope.TryGetValue(scope, out var rule))
        {
            return false;
        }

        if (rule.Staff && !client.Confidential)
        {
            // A public client's tokens are as safe as the device they sit on: never staff scopes.
            return false;
        }

        // A rule naming no roles but marked staff (verify:api-keys) is for services only.
        return rule.Roles.Length == 0 ? !rule.Staff : rule.Roles.Any(roles.Contains);
    }

    /// <summary>Whether a client-credentials token may hold <paramref name="scope"/> (the client's permissions checked too).</summary>
    public static bool ServiceMayHold(string scope, ClientFacts client) =>
        client.Confidential && ByScope.TryGetValue(scope, out var rule) && rule.Service && client.Allows(scope);
}

/// <summary>What the grant decisions need to know about a client.</summary>
/// <param name="ClientId">The client id.</param>
/// <param name="Confidential">Whether it authenticates with a secret.</param>
/// <param name="FirstParty">Whether it is the shop's own application (may learn the user's roles).</param>
/// <param name="AllowedScopes">The scopes its permissions list.</param>
internal sealed record ClientFacts(string ClientId, bool Confidential, bool FirstParty, IReadOnlySet<string> AllowedScopes)
{
    public bool Allows(string scope) => AllowedScopes.Contains(scope);
}
