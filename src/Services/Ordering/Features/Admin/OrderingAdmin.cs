using System.ComponentModel.DataAnnotations;
using Agora.Http;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Orders;
using Agora.Ordering.Infrastructure;

namespace Agora.Ordering.Features.Admin;

/// <summary>The result of a read-model rebuild.</summary>
public sealed record RebuildResultDto(int Orders, long Events);

/// <summary>Operators: sagas by state, and rebuilding the read models from the event log.</summary>
internal static class OrderingAdmin
{
    private static readonly string[] States = Enum.GetValues<SagaStep>().Select(s => s.Wire()).ToArray();

    /// <summary><c>GET /api/v1/admin/sagas?state=…</c>: orders by where their saga is (stuck ones: <c>failed</c>, or an old step).</summary>
    public static Task<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>> Sagas(
        [ApiEnum(typeof(SagaStep))] string? state, [Range(1, Paging.MaxPerPage)] int? per_page, [MaxLength(Paging.MaxCursorLength)] string? cursor,
        OrderingDbContext db, CancellationToken ct) =>
        state is not null && !States.Contains(state)
            ? Task.FromResult<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>>(ApiResults.Validation("state", "One of: " + string.Join(", ", States) + "."))
            : ReadOrders.ListAsync(db, null, null, state, per_page, cursor, ct);

    /// <summary><c>POST /api/v1/admin/projections/rebuild</c>: replays every event into fresh read models.</summary>
    public static async Task<ApiOk<RebuildResultDto>> Rebuild(OrderingDbContext db, CancellationToken ct)
    {
        var (orders, events) = await OrderProjection.RebuildAsync(db, ct);
        return ApiResults.Ok(new RebuildResultDto(orders, events));
    }
}
