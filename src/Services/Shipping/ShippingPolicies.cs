using Microsoft.AspNetCore.Authorization;

namespace Agora.Shipping;

/// <summary>
/// Who may read shipments: a customer's token with <c>read:shipments</c> (and then only the customer's own shipments,
/// others are 404), or staff (role <c>admin</c> AND <c>write:shipments</c> or <c>admin:ops</c>: every shipment).
/// Carrier callbacks authenticate by signature instead.
/// </summary>
internal static class ShippingPolicies
{
    public const string Read = "shipments:read";

    /// <summary>Staff acting as staff: every customer's shipments.</summary>
    public static bool IsStaff(ClaimsPrincipal user) => user.IsStaff(AgoraScopes.WriteShipments, AgoraScopes.AdminOps);

    public static AuthorizationBuilder AddShippingPolicies(this AuthorizationBuilder builder) =>
        builder.AddCustomerPolicy(Read, [AgoraScopes.ReadShipments], staffScopes: [AgoraScopes.WriteShipments, AgoraScopes.AdminOps]);
}
