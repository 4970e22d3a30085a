using Agora.Web.Features.Shop;

namespace Agora.Web.Features.Orders;

/// <summary>
/// The order's event stream as the order page's history lists it, and the slice of it up to an instant: what the page
/// shows beside Ordering's view of the order as it was then (<c>GET /api/v1/orders/{id}?as_of=</c>).
/// </summary>
public static class OrderTimeline
{
    /// <summary>An event's type as a label: <c>payment_authorized</c> → "Payment authorized".</summary>
    public static string Label(string type) =>
        type.Length == 0 ? type : char.ToUpperInvariant(type[0]) + type[1..].Replace('_', ' ');

    /// <summary>The events that had happened at <paramref name="asOf"/> (all of them when null), oldest first.</summary>
    public static IReadOnlyList<OrderEvent> Until(IReadOnlyList<OrderEvent> events, DateTimeOffset? asOf) =>
        [.. events.Where(e => asOf is null || e.OccurredAt <= asOf).OrderBy(e => e.Version)];
}
