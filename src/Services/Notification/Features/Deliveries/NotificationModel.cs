using System.Globalization;
using Agora.Http;
using Agora.Contracts.Orders;
using Agora.Notification.Infrastructure;
using Agora.Primitives;

namespace Agora.Notification.Features.Deliveries;

/// <summary>An order event as a notification sees it: who to tell, about which order, and the placeholder values.</summary>
public sealed record NotificationModel(
    Guid EventId, NotificationEvent Type, string OrderId, CustomerContact Customer, IReadOnlyDictionary<string, string> Values)
{
    public static NotificationModel From(OrderConfirmed e) => Of(e.EventId, NotificationEvent.OrderConfirmed, e.OrderId, e.Customer, new()
    {
        ["total"] = Money(e.Total, e.Currency),
        ["item_count"] = (e.Lines ?? []).Sum(l => l.Quantity).ToString(CultureInfo.InvariantCulture),
        ["items"] = string.Join(", ", (e.Lines ?? []).Select(l => $"{l.Name} × {l.Quantity.ToString(CultureInfo.InvariantCulture)}")),
    });

    public static NotificationModel From(OrderCancelled e) => Of(e.EventId, NotificationEvent.OrderCancelled, e.OrderId, e.Customer, new()
    {
        ["reason"] = e.Reason ?? "",
    });

    public static NotificationModel From(OrderPaymentFailed e) => Of(e.EventId, NotificationEvent.OrderPaymentFailed, e.OrderId, e.Customer, new()
    {
        ["total"] = Money(e.Total, e.Currency),
        ["reason"] = e.Reason ?? "",
    });

    public static NotificationModel From(OrderShipped e) => Of(e.EventId, NotificationEvent.OrderShipped, e.OrderId, e.Customer, new()
    {
        ["carrier"] = e.Carrier ?? "",
        ["tracking_number"] = e.TrackingNumber ?? "",
    });

    public static NotificationModel From(OrderDelivered e) => Of(e.EventId, NotificationEvent.OrderDelivered, e.OrderId, e.Customer, []);

    private static NotificationModel Of(Guid eventId, NotificationEvent type, string orderId, CustomerContact? customer, Dictionary<string, string> values)
    {
        customer ??= new CustomerContact("", "", "", "");
        values["customer_name"] = customer.Name ?? "";
        values["customer_email"] = customer.Email ?? "";
        values["order_id"] = orderId ?? "";
        return new NotificationModel(eventId, type, orderId ?? "", customer, values);
    }

    /// <summary><c>50,000 KRW</c>, <c>12.34 USD</c>: the currency's minor digits, grouped.</summary>
    internal static string Money(decimal amount, string? currency)
    {
        var code = currency ?? "";
        var digits = Currencies.IsSupported(code) ? Currencies.Digits(code) : 2;
        return amount.ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + code;
    }
}
