namespace Agora.Notification.Features.Templates;

/// <summary>A value a template can show; on the wire and in templates snake_case (<c>{{tracking_number}}</c>).</summary>
public enum Placeholder
{
    CustomerName,
    CustomerEmail,
    OrderId,
    Total,
    ItemCount,
    Items,
    Reason,
    Carrier,
    TrackingNumber,
}

/// <summary>Which <c>{{placeholders}}</c> a template of each event may use: the values that event carries.</summary>
public static class Placeholders
{
    private static readonly string[] Common = ["customer_name", "customer_email", "order_id"];

    private static readonly Dictionary<NotificationEvent, HashSet<string>> ByEvent = new()
    {
        [NotificationEvent.OrderConfirmed] = With("total", "item_count", "items"),
        [NotificationEvent.OrderCancelled] = With("reason"),
        [NotificationEvent.OrderPaymentFailed] = With("total", "reason"),
        [NotificationEvent.OrderShipped] = With("carrier", "tracking_number"),
        [NotificationEvent.OrderDelivered] = With(),
    };

    /// <summary>The placeholders a template for <paramref name="type"/> may use.</summary>
    public static IReadOnlySet<string> For(NotificationEvent type) => ByEvent[type];

    /// <summary>The placeholders of <paramref name="type"/> as the API lists them.</summary>
    public static IReadOnlyList<Placeholder> Listed(NotificationEvent type) =>
        Enum.GetValues<Placeholder>().Where(p => ByEvent[type].Contains(Name(p))).ToList();

    /// <summary>The name a template writes: <c>tracking_number</c>.</summary>
    public static string Name(Placeholder placeholder) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(placeholder.ToString());

    private static HashSet<string> With(params string[] names) => new(Common.Concat(names), StringComparer.Ordinal);
}
