using Agora.Contracts.Orders;
using Agora.Ordering.Domain;

namespace Agora.Ordering.Tests.Domain;

/// <summary>
/// Orders and answers for the pure domain tests, named in a few words so a table row reads as a story:
/// "placed reserved authorized" is an order whose payment was authorized. Total 50,000 KRW.
/// </summary>
internal static class OrderHistory
{
    public const string OrderId = "ord_unit";
    public const decimal Total = 50_000m;
    public const string Currency = "KRW";

    public static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    public static readonly CustomerContact Customer = new("usr_unit", "unit@example.com", "Kim Minji", "ko");
    public static readonly ShippingAddress Address = new("Kim Minji", "010-1234-5678", "152 Teheran-ro", "5F", "Seoul", "06236", "KR");

    /// <summary>Two lines of one product and one of another: 2 + 1 kettles, 1 mug.</summary>
    public static readonly IReadOnlyList<OrderLine> Lines =
    [
        new("prd_kettle", "KT-1", "Kettle", 2, 15_000m, Currency),
        new("prd_mug", "MG-1", "Mug", 1, 5_000m, Currency),
        new("prd_kettle", "KT-1", "Kettle", 1, 15_000m, Currency),
    ];

    /// <summary>An order event by its short name.</summary>
    public static IOrderEvent Event(string name, int i)
    {
        var at = T0.AddMinutes(i);
        return name switch
        {
            "placed" => new OrderEvent.Placed(at, OrderId, Customer, Lines, Address, Total, Currency),
            "reserved" => new OrderEvent.StockReserved(at, at.AddHours(2)),
            "rejected" => new OrderEvent.StockRejected(at, "out of stock", ["prd_mug"]),
            "pending" => new OrderEvent.PaymentPending(at, "pay_1", "provider down"),
            "authorized" => new OrderEvent.PaymentAuthorized(at, "pay_1", Total, "auth_1"),
            "declined" => new OrderEvent.PaymentDeclined(at, "pay_1", "card_declined"),
            "shipment_created" => new OrderEvent.ShipmentCreated(at, "shp_1", "CJ Logistics", "KR123"),
            "shipment_failed" => new OrderEvent.ShipmentFailed(at, "address not serviceable"),
            "captured" => new OrderEvent.PaymentCaptured(at, "pay_1", Total),
            "capture_failed" => new OrderEvent.PaymentCaptureFailed(at, "pay_1", "authorization_expired"),
            "committed" => new OrderEvent.StockCommitted(at),
            "confirmed" => new OrderEvent.Confirmed(at),
            "shipped" => new OrderEvent.Shipped(at, "CJ Logistics", "KR123"),
            "in_transit" => new OrderEvent.InTransit(at, "Busan Hub"),
            "delivered" => new OrderEvent.Delivered(at),
            "retried" => new OrderEvent.StepRetried(at, SagaStep.ReserveStock, 2),
            "compensate" => new OrderEvent.CompensationStarted(at, "payment declined: card_declined", "saga"),
            "customer_cancels" => new OrderEvent.CompensationStarted(at, "changed my mind", "customer"),
            "shipment_cancelled" => new OrderEvent.ShipmentCancelled(at),
            "voided" => new OrderEvent.PaymentVoided(at),
            "refund_issued" => new OrderEvent.RefundIssued(at, Total),
            "released" => new OrderEvent.StockReleased(at),
            "mismatch_authorize" => new OrderEvent.PaymentAmountMismatch(at, "pay_1", "authorize", 1m, Currency),
            "mismatch_capture" => new OrderEvent.PaymentAmountMismatch(at, "pay_1", "capture", 1m, Currency),
            "refunded_unrequested" => new OrderEvent.PaymentRefundedUnrequested(at, "pay_1", Total, Currency),
            "cancelled" => new OrderEvent.Cancelled(at, "out of stock"),
            "saga_failed" => new OrderEvent.SagaFailed(at, "release_stock did not complete after 20 attempts"),
            _ => throw new ArgumentException("unknown event " + name, nameof(name)),
        };
    }

    /// <summary>The order folded from the events named in <paramref name="history"/> (space-separated, in order).</summary>
    public static OrderState Of(string history) =>
        OrderState.Fold(history.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Event))
        ?? throw new ArgumentException("an order needs at least one event", nameof(history));

    /// <summary>An answer from another service by its short name (amounts in the order's total unless the name says otherwise).</summary>
    public static object Answer(string name)
    {
        var id = Guid.NewGuid();
        var at = T0.AddDays(1);
        return name switch
        {
            "stock_reserved" => new StockReservedForOrder(id, at, OrderId, at.AddHours(2)),
            "stock_rejected" => new StockReservationRejected(id, at, OrderId, "out of stock", ["prd_mug"]),
            "stock_released" => new StockReleasedForOrder(id, at, OrderId),
            "stock_committed" => new StockCommittedForOrder(id, at, OrderId),
            "payment_pending" => new PaymentPending(id, at, OrderId, "pay_1", "provider down"),
            "payment_authorized" => new PaymentAuthorized(id, at, OrderId, "pay_1", Total, Currency, "auth_1"),
            "payment_authorized_less" => new PaymentAuthorized(id, at, OrderId, "pay_1", Total - 1, Currency, "auth_1"),
            "payment_authorized_usd" => new PaymentAuthorized(id, at, OrderId, "pay_1", Total, "USD", "auth_1"),
            "payment_declined" => new PaymentDeclined(id, at, OrderId, "pay_1", "card_declined"),
            "payment_captured" => new PaymentCaptured(id, at, OrderId, "pay_1", Total, Currency),
            "payment_captured_more" => new PaymentCaptured(id, at, OrderId, "pay_1", Total + 1, Currency),
            "payment_capture_failed" => new PaymentCaptureFailed(id, at, OrderId, "pay_1", "authorization_expired"),
            "payment_voided" => new PaymentVoided(id, at, OrderId, "pay_1"),
            "payment_refunded" => new PaymentRefunded(id, at, OrderId, "pay_1", Total, Currency),
            "shipment_created" => new ShipmentCreated(id, at, OrderId, "shp_1", "CJ Logistics", "KR123"),
            "shipment_failed" => new ShipmentFailed(id, at, OrderId, "address not serviceable"),
            "shipment_cancelled" => new ShipmentCancelled(id, at, OrderId, "shp_1"),
            "shipment_dispatched" => new ShipmentDispatched(id, at, OrderId, "shp_1", "CJ Logistics", "KR123"),
            "shipment_in_transit" => new ShipmentInTransit(id, at, OrderId, "shp_1", "Busan Hub"),
            "shipment_delivered" => new ShipmentDelivered(id, at, OrderId, "shp_1"),
            _ => throw new ArgumentException("unknown answer " + name, nameof(name)),
        };
    }

    /// <summary>The stored names of <paramref name="events"/>, space-separated ("" for none).</summary>
    public static string Names(IEnumerable<IOrderEvent> events) => string.Join(' ', events.Select(OrderEventTypes.NameOf));
}
