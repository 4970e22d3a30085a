using System.ComponentModel.DataAnnotations;
using Agora.Ordering.Domain;

namespace Agora.Ordering.Features.Orders;

/// <summary><c>GET /api/v1/users/{id}/orders</c> (guide §1.2): a customer's orders, for that customer or staff.</summary>
internal static class ListUserOrders
{
    public static Task<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>> Handle(
        string id, [ApiEnum(typeof(OrderStatus))] string? status, [Range(1, Paging.MaxPerPage)] int? per_page, [MaxLength(Paging.MaxCursorLength)] string? cursor,
        HttpContext http, OrderingDbContext db, CancellationToken ct) =>
        OrderAccess.MaySee(http.User, id)
            ? ListOrders.ListAsync(db, id, status, null, per_page, cursor, ct)
            : Task.FromResult<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>>(ApiResults.NotFound("USER_NOT_FOUND", "No such user."));
}
