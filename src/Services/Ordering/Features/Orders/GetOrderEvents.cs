using System.ComponentModel.DataAnnotations;
using Agora.Ordering.Domain;

namespace Agora.Ordering.Features.Orders;

/// <summary>One event of an order's history (the audit log).</summary>
public sealed record OrderEventDto(int Version, [property: MaxLength(40)] string Type, DateTimeOffset OccurredAt, JsonElement Data);

/// <summary><c>GET /api/v1/orders/{id}/events</c>: the order's history, every event of its stream (the audit log).</summary>
internal static class GetOrderEvents
{
    public static async Task<Results<ApiOk<IReadOnlyList<OrderEventDto>>, ApiError>> Handle(
        string id, HttpContext http, OrderingDbContext db, CancellationToken ct)
    {
        var rows = Ids.HasPrefix(id, "ord")
            ? await db.Events.AsNoTracking().Where(e => e.StreamId == id).OrderBy(e => e.Version).ToListAsync(ct)
            : [];
        if (rows.Count == 0)
        {
            return OrderAccess.NotFound(id);
        }

        var placed = JsonSerializer.Deserialize<OrderEvent.Placed>(rows[0].Data, EventStore.Json)!;
        if (!OrderAccess.MaySee(http.User, placed.Customer.CustomerId))
        {
            return OrderAccess.NotFound(id);
        }

        IReadOnlyList<OrderEventDto> history = rows.Select(r => new OrderEventDto(r.Version, r.Type,
            new DateTimeOffset(DateTime.SpecifyKind(r.OccurredAt, DateTimeKind.Utc)), JsonDocument.Parse(r.Data).RootElement.Clone())).ToList();
        return ApiResults.Ok(history);
    }
}
