using Agora.Contracts.Events;
using Agora.Contracts.Orders;

namespace Agora.Ordering.Domain;

/// <summary>
/// A saga step has waited long enough for its answer. Fired by <see cref="Features.Saga.SagaDeadlinePoller"/> from the
/// order's row in <c>saga_deadlines</c>; still handled as a message for timers scheduled in Wolverine's store by
/// earlier versions (orders in flight across the upgrade).
/// </summary>
public sealed record OrderStepTimedOut(string OrderId, SagaStep Step, int Attempt);

/// <summary>
/// The order saga's rules (orchestration, guide §8): which answer moves the order where, what to send for a step,
/// when to retry and when to turn back. Pure functions of the order's state; <see cref="Features.Saga.OrderProcessor"/>
/// stores and sends what they decide in one transaction.
/// </summary>
public static class OrderSaga
{
    /// <summary>The events an answer from another service adds to the order; none if it is late or a repeat.</summary>
    public static IReadOnlyList<IOrderEvent> Decide(OrderState order, object answer, DateTimeOffset now) => answer switch
    {
        StockReservedForOrder r when order.Step == SagaStep.ReserveStock => [new OrderEvent.StockReserved(now, r.ExpiresAt)],
        StockReservationRejected r when order.Step == SagaStep.ReserveStock =>
            [new OrderEvent.StockRejected(now, r.Reason, r.Problems), new OrderEvent.Cancelled(now, "out of stock")],
        PaymentPending p when order.Step == SagaStep.AuthorizePayment && !order.PaymentPending && !order.Compensating =>
            [new OrderEvent.PaymentPending(now, p.PaymentId, p.Reason)],
        PaymentAuthorized a when order.Step == SagaStep.AuthorizePayment && !Matches(order, a.Amount, a.Currency) =>
            Mismatch(order, a.PaymentId, "authorize", a.Amount, a.Currency, now),
        PaymentAuthorized a when order.Step == SagaStep.AuthorizePayment => [new OrderEvent.PaymentAuthorized(now, a.PaymentId, a.Amount, a.PspReference)],
        PaymentDeclined d when order.Step == SagaStep.AuthorizePayment =>
            [new OrderEvent.PaymentDeclined(now, d.PaymentId, d.Reason), new OrderEvent.CompensationStarted(now, "payment declined: " + d.Reason, "saga")],
        ShipmentCreated c when order.Step == SagaStep.CreateShipment => [new OrderEvent.ShipmentCreated(now, c.ShipmentId, c.Carrier, c.TrackingNumber)],
        ShipmentFailed f when order.Step == SagaStep.CreateShipment =>
            [new OrderEvent.ShipmentFailed(now, f.Reason), new OrderEvent.CompensationStarted(now, "shipment failed: " + f.Reason, "saga")],
        PaymentCaptured c when order.Step == SagaStep.CapturePayment && !Matches(order, c.Amount, c.Currency) =>
            Mismatch(order, c.PaymentId, "capture", c.Amount, c.Currency, now),
        PaymentCaptured c when order.Step == SagaStep.CapturePayment => [new OrderEvent.PaymentCaptured(now, c.PaymentId, c.Amount)],
        PaymentCaptured c when CapturedAfterTurningBack(order) => [new OrderEvent.PaymentCapturedLate(now, c.PaymentId, c.Amount)],
        PaymentCaptureFailed f when order.Step == SagaStep.CapturePayment =>
            [new OrderEvent.PaymentCaptureFailed(now, f.PaymentId, f.Reason), new OrderEvent.CompensationStarted(now, "capture failed: " + f.Reason, "saga")],
        StockCommittedForOrder when order.Step == SagaStep.CommitStock => [new OrderEvent.StockCommitted(now), new OrderEvent.Confirmed(now)],
        ShipmentCancelled when order.Step == SagaStep.CancelShipment => [new OrderEvent.ShipmentCancelled(now)],
        PaymentVoided when order.Step == SagaStep.ReturnPayment => [new OrderEvent.PaymentVoided(now)],
        PaymentRefunded r when order.Step == SagaStep.ReturnPayment => [new OrderEvent.RefundIssued(now, r.Amount)],
        PaymentRefunded r when order.CapturedAmount > 0 && order.PaymentStatus != "refunded" => Unrequested(order, r, now),
        StockReleasedForOrder when order.Step == SagaStep.ReleaseStock => [new OrderEvent.StockReleased(now)],
        ShipmentDispatched d when order.Status == OrderStatus.Confirmed => [new OrderEvent.Shipped(now, d.Carrier, d.TrackingNumber)],
        ShipmentInTransit t when order.Status == OrderStatus.Shipped => [new OrderEvent.InTransit(now, t.Location)],
        ShipmentDelivered when order.Status == OrderStatus.Shipped => [new OrderEvent.Delivered(now)],
        ShipmentDelivered when order.Status == OrderStatus.Confirmed =>
            [new OrderEvent.Shipped(now, order.Carrier ?? "", order.TrackingNumber ?? ""), new OrderEvent.Delivered(now)],
        _ => [],
    };

    /// <summary>
    /// A capture answered after the saga turned back (compensating or cancelled) of an order that has no capture on
    /// record: money was taken that must go back. Repeats find the capture recorded and change nothing.
    /// </summary>
    private static bool CapturedAfterTurningBack(OrderState order) =>
        (order.Compensating || order.Status is OrderStatus.Cancelled or OrderStatus.Failed)
        && order.CapturedAmount == 0 && order.PaymentStatus != "refunded";

    /// <summary>Whether Payment's amount is the order's total, to the minor unit, in the order's currency.</summary>
    private static bool Matches(OrderState order, decimal amount, string? currency) =>
        amount == order.Total && string.Equals(currency, order.Currency, StringComparison.Ordinal);

    /// <summary>
    /// Payment held or took another amount than the order's total (a tampered or confused caller): never confirm on it.
    /// The answer is recorded, so the compensation gives back exactly what is held (void) or taken (refund), then the
    /// order is cancelled and flagged.
    /// </summary>
    private static IReadOnlyList<IOrderEvent> Mismatch(OrderState order, string paymentId, string operation, decimal amount, string? currency, DateTimeOffset now) =>
    [
        new OrderEvent.PaymentAmountMismatch(now, paymentId, operation, amount, currency ?? ""),
        new OrderEvent.CompensationStarted(now,
            $"payment amount mismatch: {(operation == "capture" ? "captured" : "authorized")} {amount.ToString(System.Globalization.CultureInfo.InvariantCulture)} {currency}, "
            + $"order total {order.Total.ToString(System.Globalization.CultureInfo.InvariantCulture)} {order.Currency}", "saga"),
    ];

    /// <summary>
    /// A refund the saga did not ask for (outside its ReturnPayment step): the order is flagged. If it has not shipped,
    /// it is compensated — the shipment cancelled so nothing ships for money given back, the stock released, the
    /// order cancelled; a shipped or delivered order, or one already turning back, keeps its course with the flag for
    /// an operator.
    /// </summary>
    private static IReadOnlyList<IOrderEvent> Unrequested(OrderState order, PaymentRefunded r, DateTimeOffset now)
    {
        var flagged = new OrderEvent.PaymentRefundedUnrequested(now, r.PaymentId, r.Amount, r.Currency ?? "");
        var stoppable = !order.Compensating && order.Status is not (OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.Cancelled or OrderStatus.Failed);
        return stoppable
            ? [flagged, new OrderEvent.CompensationStarted(now, "payment refunded without the order asking", "saga")]
            : [flagged];
    }

    /// <summary>A step's timer fired: retry it, turn back, or (a compensation that keeps failing) give up for an operator.</summary>
    public static IReadOnlyList<IOrderEvent> TimedOut(OrderState order, OrderStepTimedOut timeout, SagaOptions options, DateTimeOffset now)
    {
        if (order.Step != timeout.Step || order.Attempt != timeout.Attempt || order.Step.IsTerminal())
        {
            return []; // the step moved on, or a newer attempt owns the timer
        }

        if (order.Attempt < options.AttemptsFor(order.Step))
        {
            return [new OrderEvent.StepRetried(now, order.Step, order.Attempt + 1)];
        }

        return order.Step.IsForward()
            ? [new OrderEvent.CompensationStarted(now, $"{order.Step.Wire()} timed out after {order.Attempt} attempts", "saga")]
            : [new OrderEvent.SagaFailed(now, $"{order.Step.Wire()} did not complete after {order.Attempt} attempts")];
    }

    /// <summary>Whether the customer may still cancel: before the shipment is booked and paid for.</summary>
    public static bool IsCancellable(OrderState order) =>
        !order.Compensating && order.Step is SagaStep.ReserveStock or SagaStep.AuthorizePayment or SagaStep.CreateShipment;

    /// <summary>The command that performs (or undoes) the order's current step; null at the ends.</summary>
    public static IAgoraCommand? CommandFor(OrderState order, SagaOptions options, DateTimeOffset now)
    {
        var id = Guid.NewGuid();
        return order.Step switch
        {
            SagaStep.ReserveStock => new ReserveStockForOrder(id, now, order.Id,
                order.Lines.GroupBy(l => l.ProductId, StringComparer.Ordinal).Select(g => new ItemQuantity(g.Key, g.Sum(l => l.Quantity))).ToList(),
                options.StockHold),
            SagaStep.AuthorizePayment => new AuthorizePayment(id, now, order.Id, order.Customer.CustomerId, order.Total, order.Currency),
            SagaStep.CreateShipment => new CreateShipment(id, now, order.Id, order.Customer.CustomerId, order.Address,
                order.Lines.Select(l => new ItemQuantity(l.ProductId, l.Quantity)).ToList()),
            SagaStep.CapturePayment => new CapturePayment(id, now, order.Id),
            SagaStep.CommitStock => new CommitStockForOrder(id, now, order.Id),
            SagaStep.CancelShipment => new CancelShipment(id, now, order.Id, order.Reason ?? "order cancelled"),
            SagaStep.ReturnPayment when order.CapturedAmount > 0 =>
                new RefundPayment(id, now, order.Id, order.CapturedAmount, order.Currency, order.Reason ?? "order cancelled"),
            SagaStep.ReturnPayment => new VoidPayment(id, now, order.Id, order.Reason ?? "order cancelled"),
            SagaStep.ReleaseStock => new ReleaseStockForOrder(id, now, order.Id, order.Reason ?? "order cancelled"),
            _ => null,
        };
    }

    /// <summary>What the rest of the shop hears about an event of this order (choreography), if anything.</summary>
    public static IIntegrationEvent? Announce(OrderState order, IOrderEvent e) => e switch
    {
        OrderEvent.Placed => new OrderPlaced(Guid.NewGuid(), e.At, order.Id, order.Customer, order.Lines, order.Total, order.Currency),
        OrderEvent.Confirmed => new OrderConfirmed(Guid.NewGuid(), e.At, order.Id, order.Customer, order.Lines, order.Total, order.Currency),
        OrderEvent.PaymentDeclined d => new OrderPaymentFailed(Guid.NewGuid(), e.At, order.Id, order.Customer, order.Total, order.Currency, d.Reason),
        OrderEvent.Cancelled c => new OrderCancelled(Guid.NewGuid(), e.At, order.Id, order.Customer, order.Reason ?? c.Reason),
        OrderEvent.Shipped s => new OrderShipped(Guid.NewGuid(), e.At, order.Id, order.Customer, s.Carrier, s.TrackingNumber),
        OrderEvent.Delivered => new OrderDelivered(Guid.NewGuid(), e.At, order.Id, order.Customer),
        _ => null,
    };
}

/// <summary><c>Ordering:Saga</c>: how long a step waits for its answer and how often it is tried.</summary>
public sealed class SagaOptions
{
    public const string SectionName = "Ordering:Saga";

    /// <summary>How long a step waits for its answer before its command is sent again. Default 15 s.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Attempts of a forward step before the saga compensates (payment authorization and the steps after it excepted).
    /// Default 3: the stock reservation waits 15 + 30 + 60 s with the default <see cref="StepTimeout"/>.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// How long an order may wait for its payment (Payment or the PSP down) before it is cancelled: orders are accepted
    /// meanwhile with status <c>payment_pending</c> and paid when the payment side is back (guide §10.4). Default 30 min.
    /// </summary>
    public TimeSpan PaymentDeadline { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a step after the payment's authorization (create_shipment, capture_payment, commit_stock) keeps
    /// trying while its peer does not answer, before the order is cancelled and its payment given back. Such a peer is
    /// usually alive but behind (a restart, a backlog): cancelling a paid order for it does more harm than waiting.
    /// Its waits grow: <see cref="StepTimeout"/>, doubled per attempt up to <see cref="MaxStepTimeout"/>.
    /// A business "no" (shipment failed, capture refused) still cancels at once. Default 30 min.
    /// </summary>
    public TimeSpan AfterPaymentDeadline { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The longest wait of one attempt of a step after authorization (its backoff's cap). Default 2 min.</summary>
    public TimeSpan MaxStepTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts of a compensation before the saga gives up and flags the order for an operator. Default 20.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10000)]
    public int MaxCompensationAttempts { get; set; } = 20;

    /// <summary>How often the step timers (<c>saga_deadlines</c>) are checked for due ones. Default 1 s.</summary>
    public TimeSpan DeadlinePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a claimed step timer is held by the replica firing it: if that replica dies before its decision
    /// commits, the timer fires again this much later. Default 30 s.
    /// </summary>
    public TimeSpan DeadlineClaim { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long Catalog holds the order's stock; longer than the payment deadline. Default 2 h.</summary>
    public TimeSpan StockHold { get; set; } = TimeSpan.FromHours(2);

    public int AttemptsFor(SagaStep step) => step switch
    {
        SagaStep.AuthorizePayment => Math.Max(MaxAttempts, (int)Math.Ceiling(PaymentDeadline / StepTimeout)),
        _ when step.IsAfterAuthorization() => Math.Max(MaxAttempts, AttemptsWithin(step, AfterPaymentDeadline)),
        _ when step.IsCompensation() => MaxCompensationAttempts,
        _ => MaxAttempts,
    };

    /// <summary>
    /// How long attempt <paramref name="attempt"/> (1-based) of <paramref name="step"/> waits for its answer: the
    /// stock reservation and the steps after authorization back off (<see cref="StepTimeout"/> doubled per attempt, at
    /// most <see cref="MaxStepTimeout"/>), the others wait <see cref="StepTimeout"/> each time. Each attempt sends the
    /// step's command again; a peer that is alive but behind (Catalog working through its queue after a restart) would
    /// otherwise find its backlog growing by one copy per order every <see cref="StepTimeout"/>, and the reservation
    /// would time out three times and cancel the order although Catalog was about to answer.
    /// </summary>
    public TimeSpan TimeoutFor(SagaStep step, int attempt)
    {
        if (!BacksOff(step))
        {
            return StepTimeout;
        }

        var cap = MaxStepTimeout > StepTimeout ? MaxStepTimeout : StepTimeout;
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return StepTimeout * factor > cap ? cap : StepTimeout * factor;
    }

    /// <summary>Whether the waits of <paramref name="step"/> grow per attempt (see <see cref="TimeoutFor"/>).</summary>
    public static bool BacksOff(SagaStep step) => step == SagaStep.ReserveStock || step.IsAfterAuthorization();

    /// <summary>The fewest attempts whose waits add up to <paramref name="deadline"/>.</summary>
    private int AttemptsWithin(SagaStep step, TimeSpan deadline)
    {
        var waited = TimeSpan.Zero;
        var attempts = 0;
        while (waited < deadline && attempts < 100_000)
        {
            attempts++;
            waited += TimeoutFor(step, attempts);
        }

        return attempts;
    }
}
