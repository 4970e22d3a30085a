using Agora.Notification.Infrastructure;

namespace Agora.Notification.Features.Templates;

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

    private static HashSet<string> With(params string[] names) => new(Common.Concat(names), StringComparer.Ordinal);
}
