using Agora.Http;
using Agora.Contracts.Orders;
using Agora.Payment.Features.Psp;
using Agora.Payment.Infrastructure;
using Agora.Primitives;
using Microsoft.EntityFrameworkCore;
using Wolverine;

namespace Agora.Payment.Features.Payments;

/// <summary>Internal and durable: make the provider call of one operation (now, or later while the provider is down).</summary>
public sealed record CallPsp(string PaymentId, OperationKind Operation);

/// <summary>
/// The rules of a payment's life. It changes tracked entities of <see cref="Db"/> and sends messages (answers to
/// Ordering, <see cref="CallPsp"/> attempts) through <see cref="Bus"/>; the caller commits both in one transaction
/// (Wolverine's transactional middleware for a message handler, the DbContext outbox elsewhere). It never talks to the
/// provider itself: <see cref="PspWorker"/> does, outside any database transaction, and brings the answer back here.
/// </summary>
public sealed partial class PaymentLedger(PaymentDbContext db, IMessageBus bus, TimeProvider clock, PaymentOptions options, ILogger logger)
{
    public PaymentDbContext Db => db;
    public IMessageBus Bus => bus;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public Task<PaymentRecord?> FindByOrderAsync(string orderId, CancellationToken ct) =>
        db.Payments.Include(p => p.Operations).FirstOrDefaultAsync(p => p.OrderId == orderId, ct);

    public Task<PaymentRecord?> FindAsync(string id, CancellationToken ct) =>
        db.Payments.Include(p => p.Operations).FirstOrDefaultAsync(p => p.Id == id && !p.Placeholder, ct);

    /// <summary>A new pending payment with its authorize operation, first attempt <paramref name="start"/> from now.</summary>
    public async Task<PaymentRecord> CreateAsync(string orderId, string customerId, long amountMinor, string currency, TimeSpan start, CancellationToken ct)
    {
        var now = Now;
        var p = new PaymentRecord
        {
            Id = Ids.New("pay"),
            OrderId = orderId,
            CustomerId = customerId,
            AmountMinor = amountMinor,
            Currency = currency,
            Status = PaymentStatus.Pending,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Payments.Add(p);
        await StartAsync(p, OperationKind.Authorize, amountMinor, start, ct);
        LogCreated(logger, p.Id, orderId, Currencies.Format(amountMinor, currency).Amount, currency);
        return p;
    }

    /// <summary>The marker a void or refund leaves for an order that has no payment (see <see cref="PaymentRecord.Placeholder"/>).</summary>
    public PaymentRecord AddPlaceholder(string orderId, string reason)
    {
        var now = Now;
        var p = new PaymentRecord
        {
            Id = Ids.New("pay"),
            OrderId = orderId,
            CustomerId = "",
            Currency = "",
            Placeholder = true,
            Status = PaymentStatus.Voided,
            FailureReason = Truncate(reason),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Payments.Add(p);
        return p;
    }

    /// <summary>
    /// Puts an operation in progress and schedules its first attempt <paramref name="start"/> from now (null: no
    /// attempt yet; a capture asked for while the authorization is pending starts when it succeeds). False if one of
    /// this kind is already in progress (its attempt will answer) or done. Only a void that succeeded may run again (a
    /// hold found late); one the provider refused is final.
    /// </summary>
    public async Task<bool> StartAsync(PaymentRecord p, OperationKind kind, long amountMinor, TimeSpan? start, CancellationToken ct)
    {
        var now = Now;
        var op = p.Operation(kind);
        if (op is { Status: OperationStatus.Pending })
        {
            return false;
        }

        if (op is null)
        {
            op = new PaymentOperation
            {
                Id = Ids.New("pop"),
                PaymentId = p.Id,
                Kind = kind,
                IdempotencyKey = PaymentOperation.KeyFor(p.Id, kind),
                CreatedAt = now,
            };
            p.Operations.Add(op);
        }
        else if (kind != OperationKind.Void || op.Status == OperationStatus.Failed)
        {
            // Done once already; a void that the provider refused for good is recorded, not asked again (its answer
            // cannot change). Only a void that succeeded may run again: a hold found late.
            return false;
        }

        op.Status = OperationStatus.Pending;
        op.AmountMinor = amountMinor;
        op.CompletedAt = null;
        op.UpdatedAt = now;
        p.Touch(now);
        if (start is { } delay)
        {
            await KickAsync(p.Id, kind, delay);
        }

        return true;
    }

    /// <summary>
    /// Voids a payment whose authorization the provider has not answered: no more attempts, the payment is voided at
    /// once (PaymentVoided), and a void operation asks the provider for any hold an unanswered attempt did make.
    /// </summary>
    public async Task CancelPendingAsync(PaymentRecord p, string reason, TimeSpan start, CancellationToken ct)
    {
        var now = Now;
        foreach (var op in p.Operations.Where(o => o.Status == OperationStatus.Pending))
        {
            op.Status = OperationStatus.Cancelled;
            op.CompletedAt = now;
            op.UpdatedAt = now;
        }

        p.Status = PaymentStatus.Voided;
        p.FailureReason = Truncate("voided before authorization: " + reason);
        await StartAsync(p, OperationKind.Void, 0, start, ct);
        await bus.PublishAsync(PaymentEvents.Voided(p, clock.GetUtcNow()));
    }

    /// <summary>
    /// Gives back whatever the order's payment holds or took: the saga's compensation, asked by a void or a refund.
    /// A pending authorization is cancelled, a hold is voided, captured money is refunded (all that is left, or
    /// <paramref name="refundMinor"/>); an order without a payment gets a placeholder. Answers at once when nothing
    /// needs the provider, otherwise when the provider has answered.
    /// </summary>
    public async Task ReleaseAsync(string orderId, long? refundMinor, string reason, string currencyIfNone, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var p = await FindByOrderAsync(orderId, ct);
        if (p is null)
        {
            p = AddPlaceholder(orderId, reason);
            if (refundMinor is null)
            {
                await bus.PublishAsync(PaymentEvents.Voided(p, at));
            }
            else
            {
                await bus.PublishAsync(new PaymentRefunded(Guid.CreateVersion7(), at, orderId, "", 0, currencyIfNone));
            }

            return;
        }

        switch (p.Status)
        {
            case PaymentStatus.Pending:
                await CancelPendingAsync(p, reason, TimeSpan.Zero, ct);
                break;
            case PaymentStatus.Authorized or PaymentStatus.CaptureFailed:
                CancelPendingCapture(p);
                if (refundMinor is not null)
                {
                    LogRefundBecomesVoid(logger, p.Id, p.OrderId);
                }

                await StartAsync(p, OperationKind.Void, 0, TimeSpan.Zero, ct);
                break;
            case PaymentStatus.Captured:
                var left = p.CapturedMinor - p.RefundedMinor;
                var amount = refundMinor is { } r && r > 0 && r < left ? r : left;
                if (refundMinor is null)
                {
                    LogVoidBecomesRefund(logger, p.Id, p.OrderId);
                }

                await StartAsync(p, OperationKind.Refund, amount, TimeSpan.Zero, ct);
                break;
            case PaymentStatus.Refunded:
                await bus.PublishAsync(PaymentEvents.Refunded(p, at));
                break;
            default:
                // Declined or voided: nothing is held, nothing was taken.
                await bus.PublishAsync(PaymentEvents.Voided(p, at));
                break;
        }
    }

    /// <summary>
    /// The provider could not be asked: the operation stays pending and tries again later (a durable scheduled
    /// message, so it survives a restart). The first time an authorization waits, Ordering hears PaymentPending.
    /// </summary>
    private async Task RetryLaterAsync(PaymentRecord p, PaymentOperation op, string why, CancellationToken ct)
    {
        if (op.Status != OperationStatus.Pending)
        {
            return;
        }

        var now = Now;
        op.Attempts++;
        op.LastError = Truncate(why);
        op.UpdatedAt = now;
        p.Touch(now);
        if (op.Kind == OperationKind.Authorize && p.Status == PaymentStatus.Pending && !p.PendingNotified)
        {
            p.PendingNotified = true;
            await bus.PublishAsync(PaymentEvents.Pending(p, clock.GetUtcNow(), "payment provider unavailable: " + why));
        }

        var delay = options.RetryDelay(op.Attempts);
        LogRetryLater(logger, op.Kind, p.Id, op.Attempts, why, delay.TotalSeconds);
        await KickAsync(p.Id, op.Kind, delay);
    }

    private void CancelPendingCapture(PaymentRecord p)
    {
        if (p.Operation(OperationKind.Capture) is { Status: OperationStatus.Pending } capture)
        {
            Complete(capture, OperationStatus.Cancelled, Now);
        }
    }

    private async Task KickAsync(string paymentId, OperationKind kind, TimeSpan delay)
    {
        var message = new CallPsp(paymentId, kind);
        if (delay <= TimeSpan.Zero)
        {
            await bus.SendAsync(message);
        }
        else
        {
            await bus.ScheduleAsync(message, delay);
        }
    }

    internal static void Complete(PaymentOperation op, OperationStatus status, DateTime now, string? reference = null, string? error = null)
    {
        op.Status = status;
        op.CompletedAt = now;
        op.UpdatedAt = now;
        op.PspReference = reference ?? op.PspReference;
        op.LastError = error is null ? op.LastError : Truncate(error);
    }

    internal static string Truncate(string text) => text.Length <= 500 ? text : text[..500];

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Payment {PaymentId} created for order {OrderId}: {Amount} {Currency}")]
    private static partial void LogCreated(ILogger logger, string paymentId, string orderId, string amount, string currency);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Payment {PaymentId} of order {OrderId} authorized ({PspReference})")]
    private static partial void LogAuthorized(ILogger logger, string paymentId, string orderId, string? pspReference);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Payment {PaymentId} of order {OrderId} declined: {Reason}")]
    private static partial void LogDeclined(ILogger logger, string paymentId, string orderId, string? reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Payment {PaymentId} of order {OrderId} captured")]
    private static partial void LogCaptured(ILogger logger, string paymentId, string orderId);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Payment {PaymentId} of order {OrderId} could not be captured: {Reason}")]
    private static partial void LogCaptureFailed(ILogger logger, string paymentId, string orderId, string? reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Payment {PaymentId} of order {OrderId} voided")]
    private static partial void LogVoided(ILogger logger, string paymentId, string orderId);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Payment {PaymentId} of order {OrderId} refunded")]
    private static partial void LogRefunded(ILogger logger, string paymentId, string orderId);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning,
        Message = "Payment provider unavailable for {Operation} of payment {PaymentId} (attempt {Attempt}: {Reason}); next attempt in {DelaySeconds} s")]
    private static partial void LogRetryLater(ILogger logger, OperationKind operation, string paymentId, int attempt, string reason, double delaySeconds);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Error, Message = "The payment provider refused {Operation} of payment {PaymentId}: {Result}")]
    private static partial void LogRefused(ILogger logger, OperationKind operation, string paymentId, string result);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning,
        Message = "Payment {PaymentId} of order {OrderId}: the provider made hold {PspReference} after the payment became {Status}; voiding it")]
    private static partial void LogLateHold(ILogger logger, string paymentId, string orderId, string? pspReference, PaymentStatus status);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Payment {PaymentId} of order {OrderId} was captured: giving the money back as a refund")]
    private static partial void LogVoidBecomesRefund(ILogger logger, string paymentId, string orderId);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Payment {PaymentId} of order {OrderId} was not captured: releasing the hold instead of refunding")]
    private static partial void LogRefundBecomesVoid(ILogger logger, string paymentId, string orderId);
}
