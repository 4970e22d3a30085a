using System.ComponentModel.DataAnnotations;
using Agora.Ordering.Domain;
using Validator = Agora.Http.Validator;

namespace Agora.Ordering.Features.Orders;

/// <summary><c>GET /api/v1/orders</c>: the caller's orders, newest first; staff may name a <c>customer_id</c>. Its keyset query also serves a user's orders and the saga list.</summary>
internal static class ListOrders
{
    public static readonly string[] Statuses = Enum.GetValues<OrderStatus>().Select(s => s.Wire()).ToArray();

    /// <summary><c>GET /api/v1/orders</c>: the caller's orders, newest first; staff may name a <c>customer_id</c>.</summary>
    public static Task<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>> Handle(
        [ApiEnum(typeof(OrderStatus))] string? status, [MaxLength(OrderViewLimits.CustomerId)] string? customer_id, [Range(1, Paging.MaxPerPage)] int? per_page,
        [MaxLength(Paging.MaxCursorLength)] string? cursor, HttpContext http, OrderingDbContext db, CancellationToken ct)
    {
        if (customer_id is { Length: > OrderViewLimits.CustomerId })
        {
            return Task.FromResult<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>>(
                ApiResults.Validation("customer_id", $"At most {OrderViewLimits.CustomerId} characters."));
        }

        var admin = OrderingPolicies.IsStaff(http.User);
        var customer = admin ? customer_id : http.User.FindFirstValue(AgoraClaims.Subject);
        if (!admin && customer_id is not null && customer_id != customer)
        {
            return Task.FromResult<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>>(
                ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Customers list their own orders only."));
        }

        return ListAsync(db, customer, status, null, per_page, cursor, ct);
    }

    /// <summary>Keyset paging over the summary read model: newest first, cursor = (placed_at, order id) of the last row.</summary>
    public static async Task<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>> ListAsync(
        OrderingDbContext db, string? customerId, string? status, string? sagaState, int? perPageParam, string? cursor, CancellationToken ct)
    {
        var validator = new Validator();
        var perPage = Paging.PerPage(perPageParam, null, cursor, validator);
        validator.Require(status is null || Statuses.Contains(status), "status", "One of: " + string.Join(", ", Statuses) + ".");
        const string NotOurs = "Not a cursor this API issued.";
        var after = Keyset.ReadCursor<Position>(cursor, validator, message: NotOurs);
        validator.Require(cursor is not "", "cursor", NotOurs); // given but empty: not absent

        if (!validator.IsValid)
        {
            return validator.ToError();
        }

        var query = db.Summaries.AsNoTracking();
        if (customerId is not null)
        {
            query = query.Where(s => s.CustomerId == customerId);
        }

        if (status is not null)
        {
            query = query.Where(s => s.Status == status);
        }

        if (sagaState is not null)
        {
            query = query.Where(s => s.SagaStep == sagaState);
        }

        var total = await query.LongCountAsync(ct);
        var rows = await query.OrderAfter(s => s.PlacedAt, s => s.OrderId, descending: true, after is null ? null : (after.PlacedAt, after.Id))
            .Take(perPage + 1).ToListAsync(ct);
        var next = Keyset.TrimToPage(rows, perPage, s => new Position(s.PlacedAt, s.OrderId));
        IReadOnlyList<OrderSummaryDto> page = rows.Select(OrderProjection.Summary).ToList();
        return ApiResults.Page(page, Paging.Info(perPage, total, next));
    }

    public sealed record Position(DateTime PlacedAt, string Id);
}
