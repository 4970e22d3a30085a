using System.ComponentModel.DataAnnotations;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Orders;

namespace Agora.Ordering.Features.Admin;

/// <summary><c>GET /api/v1/admin/sagas?state=…</c>: orders by where their saga is (stuck ones: <c>failed</c>, or an old step).</summary>
internal static class ListSagas
{
    private static readonly string[] States = Enum.GetValues<SagaStep>().Select(s => s.Wire()).ToArray();

    public static Task<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>> Handle(
        [ApiEnum(typeof(SagaStep))] string? state, [Range(1, Paging.MaxPerPage)] int? per_page, [MaxLength(Paging.MaxCursorLength)] string? cursor,
        OrderingDbContext db, CancellationToken ct) =>
        state is not null && !States.Contains(state)
            ? Task.FromResult<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>>(ApiResults.Validation("state", "One of: " + string.Join(", ", States) + "."))
            : ListOrders.ListAsync(db, null, null, state, per_page, cursor, ct);
}
