using Agora.Contracts.Orders;

namespace Agora.Ordering.Domain;

/// <summary>Something that happened to one order: the order's stream is the list of these, in version order.</summary>
public interface IOrderEvent
{
    /// <summary>When it happened (taken from the clock when the event was decided, never at replay).</summary>
    DateTimeOffset At { get; }
}

/// <summary>
/// The events of an order's stream (its complete history and audit log). Stored as JSON under the names in
/// <see cref="OrderEventTypes"/>; adding a member is fine, renaming a stored name is not.
/// </summary>
public static class OrderEvent
{
    public sealed record Placed(DateTimeOffset At, string OrderId, CustomerContact Customer, IReadOnlyList<OrderLine> Lines,
        ShippingAddress Address, decimal Total, string Currency) : IOrderEvent;

    public sealed record StockReserved(DateTimeOffset At, DateTimeOffset ExpiresAt) : IOrderEvent;

    public sealed record StockRejected(DateTimeOffset At, string Reason, IReadOnlyList<string> Problems) : IOrderEvent;

    public sealed record PaymentPending(DateTimeOffset At, string PaymentId, string Reason) : IOrderEvent;

    public sealed record PaymentAuthorized(DateTimeOffset At, string PaymentId, decimal Amount, string PspReference) : IOrderEvent;

    public sealed record PaymentDeclined(DateTimeOffset At, string PaymentId, string Reason) : IOrderEvent;

    public sealed record ShipmentCreated(DateTimeOffset At, string ShipmentId, string Carrier, string TrackingNumber) : IOrderEvent;

    public sealed record ShipmentFailed(DateTimeOffset At, string Reason) : IOrderEvent;

    public sealed record PaymentCaptured(DateTimeOffset At, string PaymentId, decimal Amount) : IOrderEvent;

    public sealed record PaymentCaptureFailed(DateTimeOffset At, string PaymentId, string Reason) : IOrderEvent;

    public sealed record StockCommitted(DateTimeOffset At) : IOrderEvent;

    public sealed record Confirmed(DateTimeOffset At) : IOrderEvent;

    public sealed record Shipped(DateTimeOffset At, string Carrier, string TrackingNumber) : IOrderEvent;

    public sealed record InTransit(DateTimeOffset At, string Location) : IOrderEvent;

    public sealed record Delivered(DateTimeOffset At) : IOrderEvent;

    /// <summary>A step got no answer in time and its command is sent again (attempt is the new attempt number).</summary>
    public sealed record StepRetried(DateTimeOffset At, SagaStep Step, int Attempt) : IOrderEvent;

    /// <summary>The saga turns back: undo what was done, in reverse, then cancel.</summary>
    public sealed record CompensationStarted(DateTimeOffset At, string Reason, string RequestedBy) : IOrderEvent;

    public sealed record ShipmentCancelled(DateTimeOffset At) : IOrderEvent;

    public sealed record PaymentVoided(DateTimeOffset At) : IOrderEvent;

    public sealed record RefundIssued(DateTimeOffset At, decimal Amount) : IOrderEvent;

    public sealed record StockReleased(DateTimeOffset At) : IOrderEvent;

    /// <summary>
    /// Payment answered an authorization or a capture for another amount or currency than the order's total: the
    /// answer is recorded (what is held or taken must be given back) and the saga compensates.
    /// </summary>
    /// <param name="At">When the answer was recorded.</param>
    /// <param name="PaymentId">Payment's id for the authorization or capture.</param>
    /// <param name="Operation"><c>authorize</c> or <c>capture</c>.</param>
    /// <param name="Amount">The amount Payment answered with, in major units (the order's total is in the same units).</param>
    /// <param name="Currency">The currency Payment answered with (empty if it named none).</param>
    public sealed record PaymentAmountMismatch(DateTimeOffset At, string PaymentId, string Operation, decimal Amount, string Currency) : IOrderEvent;

    /// <summary>
    /// Payment refunded the order's money without the saga asking for it (someone called Payment directly): the order
    /// is flagged, and, unless it has shipped, compensated (shipment cancelled, stock released, order cancelled).
    /// </summary>
    public sealed record PaymentRefundedUnrequested(DateTimeOffset At, string PaymentId, decimal Amount, string Currency) : IOrderEvent;

    /// <summary>
    /// Payment took the order's money after the saga had turned back (a capture in flight when its step gave up, or
    /// answered late by a slow Payment): the amount is recorded and, unless a refund is on its way already, the saga
    /// goes back to its ReturnPayment step, which refunds it. The order is flagged.
    /// </summary>
    public sealed record PaymentCapturedLate(DateTimeOffset At, string PaymentId, decimal Amount) : IOrderEvent;

    public sealed record Cancelled(DateTimeOffset At, string Reason) : IOrderEvent;

    /// <summary>A compensation kept failing: the order needs an operator (listed by the admin saga endpoint).</summary>
    public sealed record SagaFailed(DateTimeOffset At, string Reason) : IOrderEvent;
}

/// <summary>The stored names of the events (snake_case, stable).</summary>
public static class OrderEventTypes
{
    private static readonly (string Name, Type Type)[] All =
    [
        ("order_placed", typeof(OrderEvent.Placed)),
        ("stock_reserved", typeof(OrderEvent.StockReserved)),
        ("stock_rejected", typeof(OrderEvent.StockRejected)),
        ("payment_pending", typeof(OrderEvent.PaymentPending)),
        ("payment_authorized", typeof(OrderEvent.PaymentAuthorized)),
        ("payment_declined", typeof(OrderEvent.PaymentDeclined)),
        ("shipment_created", typeof(OrderEvent.ShipmentCreated)),
        ("shipment_failed", typeof(OrderEvent.ShipmentFailed)),
        ("payment_captured", typeof(OrderEvent.PaymentCaptured)),
        ("payment_capture_failed", typeof(OrderEvent.PaymentCaptureFailed)),
        ("stock_committed", typeof(OrderEvent.StockCommitted)),
        ("order_confirmed", typeof(OrderEvent.Confirmed)),
        ("order_shipped", typeof(OrderEvent.Shipped)),
        ("shipment_in_transit", typeof(OrderEvent.InTransit)),
        ("order_delivered", typeof(OrderEvent.Delivered)),
        ("step_retried", typeof(OrderEvent.StepRetried)),
        ("compensation_started", typeof(OrderEvent.CompensationStarted)),
        ("shipment_cancelled", typeof(OrderEvent.ShipmentCancelled)),
        ("payment_voided", typeof(OrderEvent.PaymentVoided)),
        ("refund_issued", typeof(OrderEvent.RefundIssued)),
        ("stock_released", typeof(OrderEvent.StockReleased)),
        ("payment_amount_mismatch", typeof(OrderEvent.PaymentAmountMismatch)),
        ("payment_refunded_unrequested", typeof(OrderEvent.PaymentRefundedUnrequested)),
        ("payment_captured_late", typeof(OrderEvent.PaymentCapturedLate)),
        ("order_cancelled", typeof(OrderEvent.Cancelled)),
        ("saga_failed", typeof(OrderEvent.SagaFailed)),
    ];

    private static readonly Dictionary<string, Type> ByName = All.ToDictionary(x => x.Name, x => x.Type, StringComparer.Ordinal);
    private static readonly Dictionary<Type, string> ByType = All.ToDictionary(x => x.Type, x => x.Name);

    public static string NameOf(IOrderEvent e) => ByType[e.GetType()];

    public static Type TypeOf(string name) =>
        ByName.TryGetValue(name, out var type) ? type : throw new InvalidOperationException($"Unknown order event type '{name}'.");
}
