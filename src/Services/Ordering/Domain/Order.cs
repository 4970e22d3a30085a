using Agora.Contracts.Orders;

namespace Agora.Ordering.Domain;

/// <summary>Where the order saga is. Forward steps first, then the compensations (reverse order), then the ends.</summary>
public enum SagaStep
{
    ReserveStock,
    AuthorizePayment,
    CreateShipment,
    CapturePayment,
    CommitStock,
    Completed,
    CancelShipment,
    ReturnPayment,
    ReleaseStock,
    Cancelled,
    Failed,
}

/// <summary>What a customer sees.</summary>
public enum OrderStatus
{
    Pending,
    PaymentPending,
    Paid,
    Confirmed,
    Shipped,
    Delivered,
    Cancelling,
    Cancelled,
    Failed,
}

public static class SagaSteps
{
    public static bool IsForward(this SagaStep step) => step <= SagaStep.CommitStock;

    /// <summary>The forward steps after the payment was authorized: money is held, so they wait long for a slow peer.</summary>
    public static bool IsAfterAuthorization(this SagaStep step) => step is SagaStep.CreateShipment or SagaStep.CapturePayment or SagaStep.CommitStock;

    public static bool IsCompensation(this SagaStep step) => step is SagaStep.CancelShipment or SagaStep.ReturnPayment or SagaStep.ReleaseStock;

    public static bool IsTerminal(this SagaStep step) => step is SagaStep.Completed or SagaStep.Cancelled or SagaStep.Failed;

    public static string Wire(this SagaStep step) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(step.ToString());

    public static string Wire(this OrderStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());
}

/// <summary>The flags an order can carry (snake_case, as the API shows them).</summary>
public static class Flags
{
    /// <summary>Payment authorized or captured another amount (or currency) than the order's total; the order was compensated.</summary>
    public const string PaymentAmountMismatch = "payment_amount_mismatch";

    /// <summary>The order's payment was refunded without the order asking; shipping stopped unless it had shipped.</summary>
    public const string PaymentRefundedUnrequested = "payment_refunded_unrequested";

    /// <summary>Payment captured after the saga had turned back; the saga refunded it.</summary>
    public const string PaymentCapturedLate = "payment_captured_late";
}

/// <summary>One status an order had, and since when.</summary>
public sealed record StatusChange(OrderStatus Status, DateTimeOffset At);

/// <summary>
/// An order as its events say it is: the aggregate's state, folded from the stream. Pure: the same events always give
/// the same state, so read models, time travel and the saga all agree.
/// </summary>
public sealed class OrderState
{
    public string Id { get; private set; } = "";
    public int Version { get; private set; }
    public CustomerContact Customer { get; private set; } = new("", "", "", "en");
    public IReadOnlyList<OrderLine> Lines { get; private set; } = [];
    public ShippingAddress Address { get; private set; } = new("", "", "", null, "", "", "");
    public decimal Total { get; private set; }
    public string Currency { get; private set; } = "";
    public DateTimeOffset PlacedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public OrderStatus Status { get; private set; }
    public SagaStep Step { get; private set; }
    public int Attempt { get; private set; }
    public bool Compensating { get; private set; }

    public DateTimeOffset? StockExpiresAt { get; private set; }
    public bool StockHeld { get; private set; }
    public bool PaymentRequested { get; private set; }
    public bool PaymentPending { get; private set; }
    public string? PaymentId { get; private set; }
    public string PaymentStatus { get; private set; } = "none";
    public decimal CapturedAmount { get; private set; }
    public bool ShipmentRequested { get; private set; }
    public string? ShipmentId { get; private set; }
    public string? Carrier { get; private set; }
    public string? TrackingNumber { get; private set; }
    public string ShipmentStatus { get; private set; } = "none";
    public string? Reason { get; private set; }
    public List<StatusChange> History { get; } = [];

    /// <summary>
    /// What an operator must look at, in the order they happened: <see cref="Flags.PaymentAmountMismatch"/>,
    /// <see cref="Flags.PaymentRefundedUnrequested"/>.
    /// </summary>
    public List<string> OrderFlags { get; } = [];

    private bool _shipmentUndone;
    private bool _paymentUndone;
    private bool _stockUndone;

    public static OrderState? Fold(IEnumerable<IOrderEvent> events)
    {
        OrderState? state = null;
        foreach (var e in events)
        {
            state ??= new OrderState();
            state.Apply(e);
        }

        return state;
    }

    public void Apply(IOrderEvent e)
    {
        Version++;
        UpdatedAt = e.At;
        switch (e)
        {
            case OrderEvent.Placed p:
                (Id, Customer, Lines, Address, Total, Currency, PlacedAt) = (p.OrderId, p.Customer, p.Lines, p.Address, p.Total, p.Currency, p.At);
                SetStatus(OrderStatus.Pending, e.At);
                Enter(SagaStep.ReserveStock);
                break;
            case OrderEvent.StockReserved s:
                StockHeld = true;
                StockExpiresAt = s.ExpiresAt;
                SetStatus(OrderStatus.PaymentPending, e.At);
                Enter(SagaStep.AuthorizePayment);
                PaymentRequested = true;
                PaymentStatus = "requested";
                break;
            case OrderEvent.StockRejected r:
                _stockUndone = true; // nothing was held
                Reason = $"{r.Reason}: {string.Join(", ", r.Problems)}".TrimEnd(':', ' ');
                break;
            case OrderEvent.PaymentPending p:
                PaymentPending = true;
                PaymentId = p.PaymentId;
                PaymentStatus = "pending";
                break;
            case OrderEvent.PaymentAuthorized a:
                PaymentId = a.PaymentId;
                PaymentPending = false;
                PaymentStatus = "authorized";
                SetStatus(OrderStatus.Paid, e.At);
                Enter(SagaStep.CreateShipment);
                ShipmentRequested = true;
                ShipmentStatus = "requested";
                break;
            case OrderEvent.PaymentDeclined d:
                PaymentId = d.PaymentId;
                PaymentStatus = "declined";
                _paymentUndone = true; // nothing to void
                break;
            case OrderEvent.ShipmentCreated c:
                (ShipmentId, Carrier, TrackingNumber) = (c.ShipmentId, c.Carrier, c.TrackingNumber);
                ShipmentStatus = "created";
                Enter(SagaStep.CapturePayment);
                break;
            case OrderEvent.ShipmentFailed:
                ShipmentStatus = "failed";
                _shipmentUndone = true;
                break;
            case OrderEvent.PaymentCaptured c:
                CapturedAmount = c.Amount;
                PaymentStatus = "captured";
                Enter(SagaStep.CommitStock);
                break;
            case OrderEvent.PaymentCaptureFailed:
                PaymentStatus = "capture_failed";
                break;
            case OrderEvent.StockCommitted:
                StockHeld = false;
                break;
            case OrderEvent.Confirmed:
                SetStatus(OrderStatus.Confirmed, e.At);
                Enter(SagaStep.Completed);
                break;
            case OrderEvent.Shipped s:
                (Carrier, TrackingNumber) = (s.Carrier, s.TrackingNumber);
                ShipmentStatus = "dispatched";
                SetStatus(OrderStatus.Shipped, e.At);
                break;
            case OrderEvent.InTransit:
                ShipmentStatus = "in_transit";
                break;
            case OrderEvent.Delivered:
                ShipmentStatus = "delivered";
                SetStatus(OrderStatus.Delivered, e.At);
                break;
            case OrderEvent.StepRetried r:
                Attempt = r.Attempt;
                break;
            case OrderEvent.CompensationStarted c:
                Compensating = true;
                Reason = Reason is null || c.RequestedBy == "customer" ? c.Reason : $"{c.Reason} ({Reason})";
                SetStatus(OrderStatus.Cancelling, e.At);
                Enter(NextCompensation());
                break;
            case OrderEvent.ShipmentCancelled:
                _shipmentUndone = true;
                ShipmentStatus = ShipmentId is null ? ShipmentStatus : "cancelled";
                Enter(NextCompensation());
                break;
            case OrderEvent.PaymentVoided:
                _paymentUndone = true;
                PaymentStatus = PaymentId is null ? "none" : "voided";
                Enter(NextCompensation());
                break;
            case OrderEvent.RefundIssued:
                _paymentUndone = true;
                PaymentStatus = "refunded";
                Enter(NextCompensation());
                break;
            case OrderEvent.PaymentAmountMismatch m:
                PaymentId = m.PaymentId;
                PaymentPending = false;
                if (m.Operation == "capture")
                {
                    CapturedAmount = m.Amount;
                    PaymentStatus = "captured";
                }
                else
                {
                    PaymentStatus = "authorized";
                }

                Flag(Flags.PaymentAmountMismatch);
                break;
            case OrderEvent.PaymentRefundedUnrequested r:
                PaymentId = r.PaymentId.Length > 0 ? r.PaymentId : PaymentId;
                PaymentStatus = "refunded";
                _paymentUndone = true; // the money is back already: nothing to void or refund
                Flag(Flags.PaymentRefundedUnrequested);
                break;
            case OrderEvent.PaymentCapturedLate c:
                PaymentId = c.PaymentId.Length > 0 ? c.PaymentId : PaymentId;
                CapturedAmount = c.Amount;
                PaymentStatus = "captured";
                _paymentUndone = false;
                Flag(Flags.PaymentCapturedLate);
                if (Step is not (SagaStep.CancelShipment or SagaStep.ReturnPayment))
                {
                    // The payment was thought given back (voided) or the saga had ended: go back and refund it. The
                    // steps after it (stock release) follow again; each is idempotent at its peer.
                    Enter(SagaStep.ReturnPayment);
                }

                break;
            case OrderEvent.StockReleased:
                _stockUndone = true;
                StockHeld = false;
                Enter(NextCompensation());
                break;
            case OrderEvent.Cancelled c:
                Reason ??= c.Reason;
                SetStatus(OrderStatus.Cancelled, e.At);
                Enter(SagaStep.Cancelled);
                break;
            case OrderEvent.SagaFailed f:
                Reason = f.Reason;
                SetStatus(OrderStatus.Failed, e.At);
                Enter(SagaStep.Failed);
                break;
            default:
                throw new InvalidOperationException($"Unhandled order event {e.GetType().Name}.");
        }
    }

    /// <summary>The next thing to undo, in reverse order of doing it; <see cref="SagaStep.Cancelled"/> when nothing is left.</summary>
    private SagaStep NextCompensation() =>
        ShipmentRequested && !_shipmentUndone ? SagaStep.CancelShipment
        : PaymentRequested && !_paymentUndone ? SagaStep.ReturnPayment
        : !_stockUndone ? SagaStep.ReleaseStock
        : SagaStep.Cancelled;

    private void Flag(string flag)
    {
        if (!OrderFlags.Contains(flag))
        {
            OrderFlags.Add(flag);
        }
    }

    private void Enter(SagaStep step)
    {
        Step = step;
        Attempt = 1;
    }

    private void SetStatus(OrderStatus status, DateTimeOffset at)
    {
        if (Status != status || History.Count == 0)
        {
            Status = status;
            History.Add(new StatusChange(status, at));
        }
    }
}
