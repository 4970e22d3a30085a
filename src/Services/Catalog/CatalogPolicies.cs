using Agora.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authorization;

namespace Agora.Catalog;

/// <summary>
/// Who may change the catalogue. Reads (products, categories, stock, reservations) stay anonymous: the shop front
/// shows them to everyone.
/// </summary>
internal static class CatalogPolicies
{
    /// <summary>
    /// Products (create, replace, patch, delete) and stock levels (PUT inventory): staff (role <c>admin</c>) or a
    /// client granted <c>write:catalog</c> (an import job, the back office).
    /// </summary>
    public const string Write = "catalog:write";

    /// <summary>
    /// Reservations (reserve, release, commit; REST and gRPC): what Ordering's saga does with its client-credentials
    /// token. <c>write:inventory</c> grants this and nothing else, so a service that only moves stock for orders
    /// cannot edit products or set stock levels; <c>write:catalog</c> and <c>admin</c> include it.
    /// </summary>
    public const string Reserve = "catalog:reserve";

    /// <summary>Scope: change products and stock levels.</summary>
    public const string WriteScope = "write:catalog";

    /// <summary>Scope: reserve, release and commit stock for orders.</summary>
    public const string InventoryScope = "write:inventory";

    public static AuthorizationBuilder AddCatalogPolicies(this AuthorizationBuilder builder) => builder
        .AddScopeOrRolePolicy(Write, [WriteScope], [AgoraRoles.Admin])
        .AddScopeOrRolePolicy(Reserve, [WriteScope, InventoryScope], [AgoraRoles.Admin]);
}
