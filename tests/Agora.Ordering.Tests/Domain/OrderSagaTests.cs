using Agora.Contracts.Orders;
using Agora.Ordering.Domain;
using static Agora.Ordering.Tests.Domain.OrderHistory;

namespace Agora.Ordering.Tests.Domain;

/// <summary>
/// <see cref="OrderSaga"/>'s decisions, table-driven: which answer moves an order where, when a step's timer retries or
/// turns back, what command a step sends, what the shop hears. Pure and fast: no database, no bus.
/// </summary>
public sealed class OrderSagaTests
{
    private const string Confirmed = "placed reserved authorized shipment_created captured committed confirmed";

    [Theory]
    // Forward: each answer in its step moves the order on.
    [InlineData("placed", "stock_reserved", "stock_reserved")]
    [InlineData("placed", "stock_rejected", "stock_rejected order_cancelled")]
    [InlineData("placed reserved", "payment_pending", "payment_pending")]
    [InlineData("placed reserved", "payment_authorized", "payment_authorized")]
    [InlineData("placed reserved pending", "payment_authorized", "payment_authorized")]
    [InlineData("placed reserved", "payment_declined", "payment_declined compensation_started")]
    [InlineData("placed reserved authorized", "shipment_created", "shipment_created")]
    [InlineData("placed reserved authorized", "shipment_failed", "shipment_failed compensation_started")]
    [InlineData("placed reserved authorized shipment_created", "payment_captured", "payment_captured")]
    [InlineData("placed reserved authorized shipment_created", "payment_capture_failed", "payment_capture_failed compensation_started")]
    [InlineData("placed reserved authorized shipment_created captured", "stock_committed", "stock_committed order_confirmed")]
    // Tracking after confirmation; a delivery whose pick-up was never heard of ships and delivers.
    [InlineData(Confirmed, "shipment_dispatched", "order_shipped")]
    [InlineData(Confirmed, "shipment_delivered", "order_shipped order_delivered")]
    [InlineData(Confirmed + " shipped", "shipment_in_transit", "shipment_in_transit")]
    [InlineData(Confirmed + " shipped", "shipment_delivered", "order_delivered")]
    // A wrong amount or currency is never confirmed on.
    [InlineData("placed reserved", "payment_authorized_less", "payment_amount_mismatch compensation_started")]
    [InlineData("placed reserved", "payment_authorized_usd", "payment_amount_mismatch compensation_started")]
    [InlineData("placed reserved authorized shipment_created", "payment_captured_more", "payment_amount_mismatch compensation_started")]
    // Compensation, in reverse.
    [InlineData("placed reserved authorized customer_cancels", "shipment_cancelled", "shipment_cancelled")]
    [InlineData("placed reserved authorized customer_cancels shipment_cancelled", "payment_voided", "payment_voided")]
    [InlineData("placed reserved authorized shipment_created captured compensate shipment_cancelled", "payment_refunded", "refund_issued")]
    [InlineData("placed reserved declined compensate", "stock_released", "stock_released")]
    // A refund nobody asked for: compensated unless the parcel has left; flagged either way; never twice.
    [InlineData(Confirmed, "payment_refunded", "payment_refunded_unrequested compensation_started")]
    [InlineData(Confirmed + " shipped", "payment_refunded", "payment_refunded_unrequested")]
    [InlineData(Confirmed + " refunded_unrequested", "payment_refunded", "")]
    // Late, repeated or out-of-step answers change nothing.
    [InlineData("placed reserved", "stock_reserved", "")]
    [InlineData("placed reserved pending", "payment_pending", "")]
    [InlineData("placed", "payment_authorized", "")]
    [InlineData("placed reserved authorized", "payment_authorized", "")]
    [InlineData("placed reserved", "shipment_delivered", "")]
    [InlineData(Confirmed + " shipped", "shipment_dispatched", "")]
    [InlineData("placed reserved authorized customer_cancels", "payment_voided", "")]
    [InlineData("placed rejected cancelled", "stock_released", "")]
    [InlineData("placed reserved authorized customer_cancels", "payment_pending", "")]
    public void Decide_Answer_GivesEvents(string history, string answer, string events) =>
        Assert.Equal(events, Names(OrderSaga.Decide(Of(history), Answer(answer), T0.AddDays(1))));

    [Fact]
    public void Decide_Events_TakeTheirTimeFromNow()
    {
        var now = T0.AddDays(3);
        var events = OrderSaga.Decide(Of("placed reserved"), Answer("payment_declined"), now);
        Assert.All(events, e => Assert.Equal(now, e.At));
    }

    [Fact]
    public void Decide_Mismatch_SaysWhatWasHeldAndWhatTheOrderCosts()
    {
        var events = OrderSaga.Decide(Of("placed reserved"), Answer("payment_authorized_less"), T0);
        var started = Assert.IsType<OrderEvent.CompensationStarted>(events[1]);
        Assert.Equal("payment amount mismatch: authorized 49999 KRW, order total 50000 KRW", started.Reason);
        Assert.Equal("saga", started.RequestedBy);
    }

    [Theory]
    // (history, timer's step, timer's attempt, max forward attempts, max compensation attempts, events)
    [InlineData("placed", SagaStep.ReserveStock, 1, 3, 20, "step_retried")]
    [InlineData("placed", SagaStep.ReserveStock, 1, 1, 20, "compensation_started")]
    [InlineData("placed reserved", SagaStep.AuthorizePayment, 1, 1, 20, "step_retried")] // payment waits for its deadline
    [InlineData("placed reserved declined compensate", SagaStep.ReleaseStock, 1, 3, 20, "step_retried")]
    [InlineData("placed reserved declined compensate", SagaStep.ReleaseStock, 1, 3, 1, "saga_failed")]
    // Stale timers: the step moved on, or a newer attempt owns the timer, or the saga has ended.
    [InlineData("placed reserved", SagaStep.ReserveStock, 1, 3, 20, "")]
    [InlineData("placed retried", SagaStep.ReserveStock, 1, 3, 20, "")]
    [InlineData("placed", SagaStep.ReserveStock, 2, 3, 20, "")]
    [InlineData("placed rejected cancelled", SagaStep.Cancelled, 1, 1, 1, "")]
    public void TimedOut_Timer_RetriesTurnsBackOrGivesUp(string history, SagaStep step, int attempt, int maxAttempts, int maxCompensations, string events)
    {
        var options = new SagaOptions { MaxAttempts = maxAttempts, MaxCompensationAttempts = maxCompensations };
        Assert.Equal(events, Names(OrderSaga.TimedOut(Of(history), new OrderStepTimedOut(OrderId, step, attempt), options, T0)));
    }

    [Fact]
    public void TimedOut_Retry_IsTheNextAttemptOfTheSameStep()
    {
        var retried = Assert.IsType<OrderEvent.StepRetried>(Assert.Single(
            OrderSaga.TimedOut(Of("placed retried"), new OrderStepTimedOut(OrderId, SagaStep.ReserveStock, 2), new SagaOptions(), T0)));
        Assert.Equal((SagaStep.ReserveStock, 3), (retried.Step, retried.Attempt));
    }

    [Theory]
    [InlineData(SagaStep.ReserveStock, 3)]
    [InlineData(SagaStep.AuthorizePayment, 120)] // 30 min deadline / 15 s per step
    [InlineData(SagaStep.CreateShipment, 18)] // after authorization: 15 s doubling to 2 min, for the 30 min deadline (15+30+60+14×120 s, then one more)
    [InlineData(SagaStep.CapturePayment, 18)]
    [InlineData(SagaStep.ReleaseStock, 20)]
    [InlineData(SagaStep.ReturnPayment, 20)]
    public void AttemptsFor_Defaults(SagaStep step, int attempts) => Assert.Equal(attempts, new SagaOptions().AttemptsFor(step));

    [Theory]
    [InlineData("placed", true)]
    [InlineData("placed reserved", true)]
    [InlineData("placed reserved pending", true)]
    [InlineData("placed reserved authorized", true)]
    [InlineData("placed reserved authorized shipment_created", false)]
    [InlineData("placed reserved authorized customer_cancels", false)]
    [InlineData(Confirmed, false)]
    [InlineData("placed rejected cancelled", false)]
    public void IsCancellable_OnlyBeforeTheShipmentIsBooked(string history, bool cancellable) =>
        Assert.Equal(cancellable, OrderSaga.IsCancellable(Of(history)));

    [Theory]
    [InlineData("placed", nameof(ReserveStockForOrder))]
    [InlineData("placed reserved", nameof(AuthorizePayment))]
    [InlineData("placed reserved authorized", nameof(CreateShipment))]
    [InlineData("placed reserved authorized shipment_created", nameof(CapturePayment))]
    [InlineData("placed reserved authorized shipment_created captured", nameof(CommitStockForOrder))]
    [InlineData("placed reserved authorized customer_cancels", nameof(CancelShipment))]
    [InlineData("placed reserved authorized customer_cancels shipment_cancelled", nameof(VoidPayment))]
    [InlineData("placed reserved authorized shipment_created captured compensate shipment_cancelled", nameof(RefundPayment))]
    [InlineData("placed reserved declined compensate", nameof(ReleaseStockForOrder))]
    [InlineData(Confirmed, null)]
    [InlineData("placed rejected cancelled", null)]
    public void CommandFor_Step_IsTheCommandThatDoesOrUndoesIt(string history, string? command) =>
        Assert.Equal(command, OrderSaga.CommandFor(Of(history), new SagaOptions(), T0)?.GetType().Name);

    [Fact]
    public void CommandFor_ReserveStock_OneLinePerProduct_ForTheHold()
    {
        var options = new SagaOptions { StockHold = TimeSpan.FromHours(3) };
        var reserve = Assert.IsType<ReserveStockForOrder>(OrderSaga.CommandFor(Of("placed"), options, T0));
        Assert.Equal([new ItemQuantity("prd_kettle", 3), new ItemQuantity("prd_mug", 1)], reserve.Lines);
        Assert.Equal(TimeSpan.FromHours(3), reserve.Hold);
        Assert.Equal(OrderId, reserve.OrderId);
    }

    [Fact]
    public void CommandFor_Refund_IsTheCapturedAmount_WithTheReason()
    {
        var refund = Assert.IsType<RefundPayment>(OrderSaga.CommandFor(
            Of("placed reserved authorized shipment_created captured compensate shipment_cancelled"), new SagaOptions(), T0));
        Assert.Equal((Total, Currency, "payment declined: card_declined"), (refund.Amount, refund.Currency, refund.Reason));
    }

    [Fact]
    public void CommandFor_Authorize_IsTheOrderTotal()
    {
        var authorize = Assert.IsType<AuthorizePayment>(OrderSaga.CommandFor(Of("placed reserved"), new SagaOptions(), T0));
        Assert.Equal((Total, Currency, Customer.CustomerId), (authorize.Amount, authorize.Currency, authorize.CustomerId));
    }

    [Theory]
    [InlineData("placed", nameof(OrderPlaced))]
    [InlineData("confirmed", nameof(OrderConfirmed))]
    [InlineData("declined", nameof(OrderPaymentFailed))]
    [InlineData("cancelled", nameof(OrderCancelled))]
    [InlineData("shipped", nameof(OrderShipped))]
    [InlineData("delivered", nameof(OrderDelivered))]
    [InlineData("reserved", null)]
    [InlineData("captured", null)]
    [InlineData("compensate", null)]
    public void Announce_Event_IsWhatTheShopHears(string e, string? announced) =>
        Assert.Equal(announced, OrderSaga.Announce(Of(Confirmed), Event(e, 99))?.GetType().Name);
}
