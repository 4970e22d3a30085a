using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Agora.Ordering.Infrastructure;
using Agora.Auth;
using Agora.Http;
using Microsoft.EntityFrameworkCore;

namespace Agora.Ordering.Features.Orders;

/// <summary>
/// <c>GET /api/v1/orders?idempotency_key=…</c>: the acknowledgement a client can always obtain. A client whose
/// <c>POST /api/v1/orders</c> got no answer (a timeout, a 5xx, a dropped connection) asks with the key it sent and
/// learns whether the order exists: a list of at most one order (the caller's own) for a customer, of every customer's
/// order placed with that key for staff (narrowed by <c>customer_id</c>). An empty list means no order was placed with
/// that key, and a retry of the POST with the same key places it at most once. Without the parameter the endpoint is
/// the ordinary list (<see cref="ListOrders.Handle"/>).
/// </summary>
internal static class FindOrderByIdempotencyKey
{
    public const string Parameter = "idempotency_key";

    public static Task<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>> Handle(
        [ApiEnum(typeof(Domain.OrderStatus))] string? status, [MaxLength(OrderViewLimits.CustomerId)] string? customer_id,
        [Range(1, Paging.MaxPerPage)] int? per_page, [MaxLength(Paging.MaxCursorLength)] string? cursor,
        [MaxLength(PlaceOrder.MaxIdempotencyKeyLength)] string? idempotency_key, HttpContext http, OrderingDbContext db, CancellationToken ct) =>
        idempotency_key is null
            ? ListOrders.Handle(status, customer_id, per_page, cursor, http, db, ct)
            : FindAsync(idempotency_key, customer_id, http.User, db, ct);

    private static async Task<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>> FindAsync(
        string key, string? customerId, ClaimsPrincipal user, OrderingDbContext db, CancellationToken ct)
    {
        if (key.Length is 0 or > PlaceOrder.MaxIdempotencyKeyLength || key.Any(char.IsControl))
        {
            return ApiResults.Validation(Parameter, $"1–{PlaceOrder.MaxIdempotencyKeyLength} printable characters: the {PlaceOrder.IdempotencyHeader} the order was placed with.");
        }

        var staff = OrderingPolicies.IsStaff(user);
        var self = user.FindFirstValue(AgoraClaims.Subject);
        if (!staff && (self is null || (customerId is not null && customerId != self)))
        {
            return ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Customers look up their own orders only.");
        }

        var owner = staff ? customerId : self;
        var keys = db.IdempotencyKeys.AsNoTracking().Where(k => k.Key == key);
        if (owner is not null)
        {
            keys = keys.Where(k => k.CustomerId == owner);
        }

        var orderIds = keys.Select(k => k.OrderId);
        var rows = await db.Summaries.AsNoTracking().Where(s => orderIds.Contains(s.OrderId))
            .OrderByDescending(s => s.PlacedAt).ThenByDescending(s => s.OrderId).Take(Paging.MaxPerPage).ToListAsync(ct);
        var page = rows.Select(OrderProjection.Summary).ToList();
        return ApiResults.Page(page, Paging.Info(Paging.MaxPerPage, page.Count, null));
    }
}
