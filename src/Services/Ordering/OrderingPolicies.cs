using Microsoft.AspNetCore.Authorization;

namespace Agora.Ordering;

/// <summary>
/// Who may do what with orders. Customers: <c>read:orders</c> / <c>write:orders</c>, their own orders only (ownership
/// is checked per order on top; anyone else's is 404). Staff — role <c>admin</c> AND scope <c>admin:ops</c> — see and
/// cancel every order and run the saga administration. The role alone is not staff: a partner's token that carries
/// <c>roles: admin</c> and <c>read:orders</c> lists its own user's orders, never everyone's.
/// </summary>
internal static class OrderingPolicies
{
    public const string Read = "orders:read";
    public const string Write = "orders:write";
    public const string Admin = "orders:admin";

    /// <summary>Staff acting as staff: every customer's orders.</summary>
    public static bool IsStaff(ClaimsPrincipal user) => user.IsStaff(AgoraScopes.AdminOps);

    public static AuthorizationBuilder AddOrderingPolicies(this AuthorizationBuilder builder) => builder
        .AddCustomerPolicy(Read, [AgoraScopes.ReadOrders, AgoraScopes.WriteOrders], staffScopes: [AgoraScopes.AdminOps])
        .AddCustomerPolicy(Write, [AgoraScopes.WriteOrders], staffScopes: [AgoraScopes.AdminOps])
        .AddStaffPolicy(Admin, AgoraScopes.AdminOps);
}
