using Agora.Web.Features.Shop;

namespace Agora.Web.Features.Orders;

/// <summary>One step of the order's way, as the order page lists it.</summary>
public sealed record OrderStep(string Label, bool Done, DateTimeOffset? At);

/// <summary>
/// The order's way from its event stream (<c>GET /api/v1/orders/{id}/events</c>): placed, stock reserved, paid, shipment
/// created, confirmed; then shipped and delivered as the carrier reports them. A cancelled or failed order shows its reason.
/// </summary>
public static class OrderSteps
{
    private static readonly (string Label, string[] Events)[] Way =
    [
        ("Order placed", ["order_placed"]),
        ("Stock reserved", ["stock_reserved"]),
        ("Payment authorized", ["payment_authorized"]),
        ("Shipment created", ["shipment_created"]),
        ("Paid", ["payment_captured"]),
        ("Confirmed", ["order_confirmed"]),
    ];

    /// <summary>Statuses after which nothing more happens on its own.</summary>
    public static bool IsSettled(Order order) => order.Saga.State is "completed" or "cancelled" or "failed";

    public static bool IsCancelled(Order order) => order.Status is "cancelled" or "failed" or "cancelling";

    public static IReadOnlyList<OrderStep> Of(Order order, IReadOnlyList<OrderEvent> events)
    {
        var at = events.GroupBy(e => e.Type, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Min(e => e.OccurredAt), StringComparer.Ordinal);
        var steps = Way.Select(step =>
        {
            var when = step.Events.Select(e => at.TryGetValue(e, out var t) ? t : (DateTimeOffset?)null).FirstOrDefault(t => t is not null);
            return new OrderStep(step.Label, when is not null, when);
        }).ToList();
        if (order.Status is "shipped" or "delivered")
        {
            steps.Add(new OrderStep("Shipped", true, order.History.FirstOrDefault(h => h.Status == "shipped")?.At));
        }

        if (order.Status == "delivered")
        {
            steps.Add(new OrderStep("Delivered", true, order.History.FirstOrDefault(h => h.Status == "delivered")?.At));
        }

        return steps;
    }

    /// <summary>The status as a sentence for the customer.</summary>
    public static string Describe(string status) => status switch
    {
        "pending" => "Placed: reserving your items",
        "payment_pending" => "Awaiting payment",
        "paid" => "Paid: preparing the shipment",
        "confirmed" => "Confirmed",
        "shipped" => "Shipped",
        "delivered" => "Delivered",
        "cancelling" => "Being cancelled",
        "cancelled" => "Cancelled",
        "failed" => "Failed",
        _ => status,
    };
}
