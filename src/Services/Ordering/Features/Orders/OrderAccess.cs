namespace Agora.Ordering.Features.Orders;

/// <summary>Who may see an order, and the answer everyone else gets.</summary>
internal static class OrderAccess
{
    /// <summary>
    /// Customers see their own orders; staff (role and <c>admin:ops</c> together) see every order. Anyone else gets a
    /// 404 (no existence leak).
    /// </summary>
    public static bool MaySee(ClaimsPrincipal user, string customerId) =>
        OrderingPolicies.IsStaff(user) || string.Equals(user.FindFirstValue(AgoraClaims.Subject), customerId, StringComparison.Ordinal);

    public static ApiError NotFound(string id) =>
        ApiResults.NotFound("ORDER_NOT_FOUND", $"Order '{(id.Length <= 64 ? id : id[..64] + "…")}' does not exist.");
}
