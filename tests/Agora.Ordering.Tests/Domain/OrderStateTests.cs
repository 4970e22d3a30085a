using Agora.Ordering.Domain;
using static Agora.Ordering.Tests.Domain.OrderHistory;

namespace Agora.Ordering.Tests.Domain;

/// <summary>
/// <see cref="OrderState.Apply"/>: what an order is after a history of events (status, saga step, payment and shipment
/// as the API shows them). Pure and fast: no database, no bus.
/// </summary>
public sealed class OrderStateTests
{
    [Theory]
    // The happy path, one event at a time.
    [InlineData("placed", OrderStatus.Pending, SagaStep.ReserveStock, "none", "none")]
    [InlineData("placed reserved", OrderStatus.PaymentPending, SagaStep.AuthorizePayment, "requested", "none")]
    [InlineData("placed reserved pending", OrderStatus.PaymentPending, SagaStep.AuthorizePayment, "pending", "none")]
    [InlineData("placed reserved pending authorized", OrderStatus.Paid, SagaStep.CreateShipment, "authorized", "requested")]
    [InlineData("placed reserved authorized", OrderStatus.Paid, SagaStep.CreateShipment, "authorized", "requested")]
    [InlineData("placed reserved authorized shipment_created", OrderStatus.Paid, SagaStep.CapturePayment, "authorized", "created")]
    [InlineData("placed reserved authorized shipment_created captured", OrderStatus.Paid, SagaStep.CommitStock, "captured", "created")]
    [InlineData("placed reserved authorized shipment_created captured committed confirmed", OrderStatus.Confirmed, SagaStep.Completed, "captured", "created")]
    [InlineData("placed reserved authorized shipment_created captured committed confirmed shipped", OrderStatus.Shipped, SagaStep.Completed, "captured", "dispatched")]
    [InlineData("placed reserved authorized shipment_created captured committed confirmed shipped in_transit", OrderStatus.Shipped, SagaStep.Completed, "captured", "in_transit")]
    [InlineData("placed reserved authorized shipment_created captured committed confirmed shipped in_transit delivered", OrderStatus.Delivered, SagaStep.Completed, "captured", "delivered")]
    // Out of stock: nothing was held, the order is cancelled at once.
    [InlineData("placed rejected cancelled", OrderStatus.Cancelled, SagaStep.Cancelled, "none", "none")]
    // Declined: nothing to void and no shipment asked for, so only the stock goes back.
    [InlineData("placed reserved declined compensate", OrderStatus.Cancelling, SagaStep.ReleaseStock, "declined", "none")]
    [InlineData("placed reserved declined compensate released", OrderStatus.Cancelling, SagaStep.Cancelled, "declined", "none")]
    [InlineData("placed reserved declined compensate released cancelled", OrderStatus.Cancelled, SagaStep.Cancelled, "declined", "none")]
    // Compensation runs in reverse: shipment, then payment, then stock.
    [InlineData("placed reserved authorized customer_cancels", OrderStatus.Cancelling, SagaStep.CancelShipment, "authorized", "requested")]
    [InlineData("placed reserved authorized customer_cancels shipment_cancelled", OrderStatus.Cancelling, SagaStep.ReturnPayment, "authorized", "requested")]
    [InlineData("placed reserved authorized customer_cancels shipment_cancelled voided", OrderStatus.Cancelling, SagaStep.ReleaseStock, "voided", "requested")]
    [InlineData("placed reserved authorized shipment_failed compensate", OrderStatus.Cancelling, SagaStep.ReturnPayment, "authorized", "failed")]
    [InlineData("placed reserved authorized shipment_created captured compensate shipment_cancelled refund_issued released cancelled",
        OrderStatus.Cancelled, SagaStep.Cancelled, "refunded", "cancelled")]
    [InlineData("placed reserved authorized shipment_created capture_failed compensate", OrderStatus.Cancelling, SagaStep.CancelShipment, "capture_failed", "created")]
    // A wrong amount is recorded as what Payment holds, so the compensation gives exactly that back.
    [InlineData("placed reserved mismatch_authorize compensate", OrderStatus.Cancelling, SagaStep.ReturnPayment, "authorized", "none")]
    [InlineData("placed reserved authorized shipment_created mismatch_capture compensate", OrderStatus.Cancelling, SagaStep.CancelShipment, "captured", "created")]
    // A refund nobody asked for on a shipped order: the order keeps its course, flagged.
    [InlineData("placed reserved authorized shipment_created captured committed confirmed shipped refunded_unrequested", OrderStatus.Shipped, SagaStep.Completed, "refunded", "dispatched")]
    [InlineData("placed reserved declined compensate saga_failed", OrderStatus.Failed, SagaStep.Failed, "declined", "none")]
    public void Apply_History_GivesStatusStepPaymentAndShipment(string history, OrderStatus status, SagaStep step, string payment, string shipment)
    {
        var order = Of(history);

        Assert.Equal((status, step, payment, shipment), (order.Status, order.Step, order.PaymentStatus, order.ShipmentStatus));
        Assert.Equal(history.Split(' ').Length, order.Version);
        Assert.Equal(OrderId, order.Id);
    }

    [Theory]
    [InlineData("placed reserved mismatch_authorize", "payment_amount_mismatch")]
    [InlineData("placed reserved authorized shipment_created captured committed confirmed refunded_unrequested", "payment_refunded_unrequested")]
    [InlineData("placed reserved authorized shipment_created mismatch_capture refunded_unrequested", "payment_amount_mismatch payment_refunded_unrequested")]
    [InlineData("placed reserved authorized shipment_created captured committed confirmed", "")]
    public void Apply_FlagsWhatAnOperatorMustSee_InOrder(string history, string flags) =>
        Assert.Equal(flags, string.Join(' ', Of(history).OrderFlags));

    [Fact]
    public void Apply_RepeatedFlag_ListedOnce()
    {
        var order = Of("placed reserved mismatch_authorize");
        order.Apply(Event("mismatch_authorize", 10));
        Assert.Equal([Flags.PaymentAmountMismatch], order.OrderFlags);
    }

    [Fact]
    public void Apply_StatusHistory_OneEntryPerChange()
    {
        var order = Of("placed reserved pending authorized shipment_created captured committed confirmed");
        Assert.Equal([OrderStatus.Pending, OrderStatus.PaymentPending, OrderStatus.Paid, OrderStatus.Confirmed], order.History.Select(h => h.Status));
        Assert.Equal(T0, order.PlacedAt);
        Assert.Equal(T0.AddMinutes(7), order.UpdatedAt);
        Assert.Equal(T0.AddMinutes(7), order.History[^1].At);
    }

    [Fact]
    public void Apply_StepRetried_CountsAttempts_NextStepStartsAtOne()
    {
        var retried = Of("placed retried");
        Assert.Equal((SagaStep.ReserveStock, 2), (retried.Step, retried.Attempt));
        var moved = Of("placed retried reserved");
        Assert.Equal((SagaStep.AuthorizePayment, 1), (moved.Step, moved.Attempt));
    }

    [Fact]
    public void Apply_StockReserved_HoldsStockUntilCommittedOrReleased()
    {
        var reserved = Of("placed reserved");
        Assert.True(reserved.StockHeld);
        Assert.Equal(T0.AddMinutes(1).AddHours(2), reserved.StockExpiresAt);
        Assert.False(Of("placed reserved authorized shipment_created captured committed").StockHeld);
        Assert.False(Of("placed reserved declined compensate released").StockHeld);
    }

    [Theory]
    [InlineData("placed rejected cancelled", "out of stock: prd_mug")]
    [InlineData("placed reserved authorized customer_cancels", "changed my mind")]
    [InlineData("placed reserved declined compensate", "payment declined: card_declined")]
    [InlineData("placed reserved declined compensate saga_failed", "release_stock did not complete after 20 attempts")]
    public void Apply_Reason_IsWhatTheCustomerIsTold(string history, string reason) => Assert.Equal(reason, Of(history).Reason);

    [Fact]
    public void Apply_CapturedAndShipment_AreRecorded()
    {
        var order = Of("placed reserved authorized shipment_created captured");
        Assert.Equal((Total, "pay_1", "shp_1", "CJ Logistics", "KR123"),
            (order.CapturedAmount, order.PaymentId, order.ShipmentId, order.Carrier, order.TrackingNumber));
    }

    [Fact]
    public void Fold_NoEvents_IsNoOrder() => Assert.Null(OrderState.Fold([]));

    [Fact]
    public void Apply_UnknownEvent_Throws() =>
        Assert.Throws<InvalidOperationException>(() => Of("placed").Apply(new UnknownEvent(T0)));

    private sealed record UnknownEvent(DateTimeOffset At) : IOrderEvent;
}
