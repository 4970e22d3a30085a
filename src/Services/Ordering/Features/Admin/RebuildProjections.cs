using Agora.Ordering.Features.Orders;

namespace Agora.Ordering.Features.Admin;

/// <summary>The result of a read-model rebuild.</summary>
public sealed record RebuildResultDto(int Orders, long Events);

/// <summary><c>POST /api/v1/admin/projections/rebuild</c>: replays every event into fresh read models.</summary>
internal static class RebuildProjections
{
    public static async Task<ApiOk<RebuildResultDto>> Handle(OrderingDbContext db, CancellationToken ct)
    {
        var (orders, events) = await OrderProjection.RebuildAsync(db, ct);
        return ApiResults.Ok(new RebuildResultDto(orders, events));
    }
}
