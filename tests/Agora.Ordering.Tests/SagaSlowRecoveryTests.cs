using Agora.Contracts.Orders;
using Agora.Ordering.Domain;

namespace Agora.Ordering.Tests;

/// <summary>
/// Issue 17, finding 3, on the saga's pure rules: a peer that is alive but behind (Payment restarting under load) must
/// not get a paid order cancelled after three short waits, and a capture that lands after the saga turned back must be
/// refunded, not ignored.
/// </summary>
public sealed class SagaSlowRecoveryTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);
    private const string Id = "ord_slow";

    private static readonly SagaOptions Defaults = new();

    private static OrderState Order(params IOrderEvent[] more) => OrderState.Fold(
    [
        new OrderEvent.Placed(At, Id, new CustomerContact("usr_slow", "slow@example.com", "Slow", "en"),
            [new OrderLine("prd_kettle", "KETTLE-1", "Kettle", 1, 30000m, "KRW")],
            new ShippingAddress("Kim Minji", "010-1234-5678", "152 Teheran-ro", null, "Seoul", "06236", "KR"), 30000m, "KRW"),
        new OrderEvent.StockReserved(At, At.AddHours(2)),
        new OrderEvent.PaymentAuthorized(At, "pay_slow", 30000m, "auth_slow"),
        new OrderEvent.ShipmentCreated(At, "shp_slow", "cj-logistics", "KR123"),
        .. more,
    ])!;

    [Fact]
    public void CaptureTimedOut_PastMaxAttempts_IsTriedAgainNotCompensated()
    {
        var order = Order(new OrderEvent.StepRetried(At, SagaStep.CapturePayment, 2), new OrderEvent.StepRetried(At, SagaStep.CapturePayment, 3));

        var events = OrderSaga.TimedOut(order, new OrderStepTimedOut(Id, SagaStep.CapturePayment, 3), Defaults, At.AddSeconds(45));

        var retried = Assert.IsType<OrderEvent.StepRetried>(Assert.Single(events));
        Assert.Equal((SagaStep.CapturePayment, 4), (retried.Step, retried.Attempt));
    }

    [Theory]
    [InlineData(SagaStep.CreateShipment)]
    [InlineData(SagaStep.CapturePayment)]
    [InlineData(SagaStep.CommitStock)]
    public void StepsAfterAuthorization_BackOffAndGiveUpOnlyAfterTheDeadline(SagaStep step)
    {
        var waits = Enumerable.Range(1, Defaults.AttemptsFor(step)).Select(a => Defaults.TimeoutFor(step, a)).ToList();

        Assert.Equal(Defaults.StepTimeout, waits[0]);
        Assert.True(waits[1] > waits[0], "the second wait is longer than the first");
        Assert.All(waits, w => Assert.True(w <= Defaults.MaxStepTimeout, $"{w} exceeds the cap"));
        var total = waits.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        Assert.InRange(total, Defaults.AfterPaymentDeadline, Defaults.AfterPaymentDeadline + Defaults.MaxStepTimeout);
    }

    [Fact]
    public void StockReservation_BacksOffSoABehindCatalogIsNotSentACopyEveryStepTimeout()
    {
        // Catalog restarted under load answers each reservation late; each timed-out attempt re-sends it. With equal
        // waits the three attempts ended 45 s after the first send and the order was cancelled while Catalog caught up.
        var waits = Enumerable.Range(1, Defaults.AttemptsFor(SagaStep.ReserveStock)).Select(a => Defaults.TimeoutFor(SagaStep.ReserveStock, a)).ToList();

        Assert.Equal(Defaults.MaxAttempts, waits.Count);
        Assert.Equal([TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)], waits);
    }

    [Fact]
    public void PaymentAuthorization_KeepsItsEqualWaitsUntilThePaymentDeadline()
    {
        Assert.Equal(Defaults.StepTimeout, Defaults.TimeoutFor(SagaStep.AuthorizePayment, 7));
        Assert.Equal(120, Defaults.AttemptsFor(SagaStep.AuthorizePayment));
    }

    [Fact]
    public void CaptureTimedOut_AfterTheDeadline_Compensates()
    {
        var last = Defaults.AttemptsFor(SagaStep.CapturePayment);
        var order = Order(new OrderEvent.StepRetried(At, SagaStep.CapturePayment, last));

        var events = OrderSaga.TimedOut(order, new OrderStepTimedOut(Id, SagaStep.CapturePayment, last), Defaults, At.AddMinutes(31));

        var started = Assert.IsType<OrderEvent.CompensationStarted>(Assert.Single(events));
        Assert.Equal($"capture_payment timed out after {last} attempts", started.Reason);
    }

    [Fact]
    public void PaymentCaptured_AfterTheOrderWasCancelledWithAVoid_GoesBackAndRefunds()
    {
        var order = Order(
            new OrderEvent.CompensationStarted(At, "capture_payment timed out after 3 attempts", "saga"),
            new OrderEvent.ShipmentCancelled(At),
            new OrderEvent.PaymentVoided(At),
            new OrderEvent.StockReleased(At),
            new OrderEvent.Cancelled(At, "capture_payment timed out after 3 attempts"));
        Assert.Equal(SagaStep.Cancelled, order.Step);

        var events = OrderSaga.Decide(order, new PaymentCaptured(Guid.NewGuid(), At, Id, "pay_slow", 30000m, "KRW"), At.AddMinutes(1));
        foreach (var e in events)
        {
            order.Apply(e);
        }

        Assert.Single(events.OfType<OrderEvent.PaymentCapturedLate>());
        Assert.Equal(SagaStep.ReturnPayment, order.Step);
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Contains(Flags.PaymentCapturedLate, order.OrderFlags);
        var refund = Assert.IsType<RefundPayment>(OrderSaga.CommandFor(order, Defaults, At));
        Assert.Equal((30000m, "KRW"), (refund.Amount, refund.Currency));

        // The refund's answer ends the saga again, cancelled, without a second cancellation.
        order.Apply(Assert.Single(OrderSaga.Decide(order, new PaymentRefunded(Guid.NewGuid(), At, Id, "pay_slow", 30000m, "KRW"), At)));
        Assert.Equal(SagaStep.Cancelled, order.Step);
        Assert.Equal("refunded", order.PaymentStatus);

        // A repeat of the late capture changes nothing.
        Assert.Empty(OrderSaga.Decide(order, new PaymentCaptured(Guid.NewGuid(), At, Id, "pay_slow", 30000m, "KRW"), At));
    }

    [Fact]
    public void PaymentCaptured_WhileAVoidIsOutstanding_IsRecordedSoTheNextAttemptRefunds()
    {
        var order = Order(
            new OrderEvent.CompensationStarted(At, "capture_payment timed out after 3 attempts", "saga"),
            new OrderEvent.ShipmentCancelled(At));
        Assert.IsType<VoidPayment>(OrderSaga.CommandFor(order, Defaults, At));

        foreach (var e in OrderSaga.Decide(order, new PaymentCaptured(Guid.NewGuid(), At, Id, "pay_slow", 30000m, "KRW"), At))
        {
            order.Apply(e);
        }

        Assert.Equal(SagaStep.ReturnPayment, order.Step);
        Assert.Equal(30000m, order.CapturedAmount);
        Assert.IsType<RefundPayment>(OrderSaga.CommandFor(order, Defaults, At));
    }
}
