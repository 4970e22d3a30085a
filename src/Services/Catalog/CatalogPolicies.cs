using Microsoft.AspNetCore.Authorization;

namespace Agora.Catalog;

/// <summary>
/// Who may change the catalogue. Reads (products, categories, stock, reservations) stay anonymous: the shop front
/// shows them to everyone, except products that are not active (drafts, discontinued), which only
/// <see cref="MaySeeAll">staff</see> see.
/// </summary>
internal static class CatalogPolicies
{
    /// <summary>
    /// Products (create, replace, patch, delete): staff (role <c>admin</c> AND <c>write:catalog</c>: the back office) or
    /// a service's client-credentials token with <c>write:catalog</c> (an import job). A customer's token is 403 whatever
    /// scopes it carries, and so is the role without the scope.
    /// </summary>
    public const string Write = "catalog:write";

    /// <summary>
    /// Stock levels (PUT inventory): staff or a service, with <c>write:inventory</c> (or <c>write:catalog</c>, which
    /// includes it).
    /// </summary>
    public const string Stock = "catalog:stock";

    /// <summary>
    /// Reservations (reserve, release, commit; REST and gRPC): service-only. Ordering's saga, a script: a
    /// client-credentials token with <c>write:inventory</c>. A user's token is 403 (PERMISSION_DENIED over gRPC)
    /// whatever its scopes or roles, so nobody can hoard stock or settle someone else's reservation. With mutual TLS
    /// (<c>Agora:Tls:Mode=Mutual</c>) the connection must also be Ordering's (its client certificate): another service
    /// holding such a token is 403 too.
    /// </summary>
    public const string Reserve = "catalog:reserve";

    /// <summary>
    /// Whether the caller sees every product, drafts and discontinued ones included: staff or a service that may write
    /// the catalogue. Everyone else sees active products only, and a draft by id is 404.
    /// </summary>
    public static bool MaySeeAll(ClaimsPrincipal user) =>
        user.IsStaff(AgoraScopes.WriteCatalog, AgoraScopes.WriteInventory, AgoraScopes.AdminOps) || user.IsService(AgoraScopes.WriteCatalog);

    public static AuthorizationBuilder AddCatalogPolicies(this AuthorizationBuilder builder) => builder
        .AddStaffOrServicePolicy(Write, AgoraScopes.WriteCatalog)
        .AddStaffOrServicePolicy(Stock, AgoraScopes.WriteInventory, AgoraScopes.WriteCatalog)
        .AddPeerServicePolicy(Reserve, [Peer], AgoraScopes.WriteInventory);

    /// <summary>The one service that reserves, releases and commits stock (its saga).</summary>
    public const string Peer = "ordering";
}
