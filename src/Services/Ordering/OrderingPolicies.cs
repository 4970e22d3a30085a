using Agora.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authorization;

namespace Agora.Ordering;

/// <summary>Who may do what with orders. Ownership (a customer's own orders) is checked per order on top.</summary>
internal static class OrderingPolicies
{
    public const string Read = "orders:read";
    public const string Write = "orders:write";
    public const string Admin = "orders:admin";

    public static AuthorizationBuilder AddOrderingPolicies(this AuthorizationBuilder builder) => builder
        .AddScopeOrRolePolicy(Read, ["read:orders", "write:orders"], [AgoraRoles.Admin])
        .AddScopeOrRolePolicy(Write, ["write:orders"], [AgoraRoles.Admin])
        .AddScopeOrRolePolicy(Admin, [], [AgoraRoles.Admin]);
}
