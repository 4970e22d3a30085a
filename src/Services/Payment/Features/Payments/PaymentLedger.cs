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
    /// this kind is already in progress: its attempt will answer. Only a void may run again (a hold found late).
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
        else if (kind != OperationKind.Void)
        {
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

    /// <summary>Applies the provider's answer to the payment as it is now (it may have changed during the call).</summary>
    public async Task ApplyAsync(PaymentRecord p, OperationKind kind, PspResult result, CancellationToken ct)
    {
        var op = p.Operation(kind) ?? throw new InvalidOperationException($"Payment {p.Id} has no {kind} operation.");
        var now = Now;
        var at = clock.GetUtcNow();
        if (result.Outcome == PspOutcome.Unavailable)
        {
            await RetryLaterAsync(p, op, result.Describe(), ct);
            return;
        }

        switch (kind)
        {
            case OperationKind.Authorize when result.Outcome == PspOutcome.Ok:
                if (op.Status == OperationStatus.Succeeded)
                {
                    return;
                }

                // Done at the provider even if the payment was voided meanwhile: record the hold, then release it.
                Complete(op, OperationStatus.Succeeded, now, result.Value!.Id);
                p.PspReference = result.Value.Id;
                p.Touch(now);
                if (p.Status == PaymentStatus.Pending)
                {
                    p.Status = PaymentStatus.Authorized;
                    LogAuthorized(logger, p.Id, p.OrderId, p.PspReference);
                    await bus.PublishAsync(PaymentEvents.Authorized(p, at));
                    if (p.Operation(OperationKind.Capture) is { Status: OperationStatus.Pending })
                    {
                        await KickAsync(p.Id, OperationKind.Capture, TimeSpan.Zero);
                    }
                }
                else
                {
                    LogLateHold(logger, p.Id, p.OrderId, p.PspReference, p.Status);
                    await StartAsync(p, OperationKind.Void, 0, TimeSpan.Zero, ct);
                }

                return;

            case OperationKind.Authorize:
                if (op.Status is OperationStatus.Succeeded or OperationStatus.Failed)
                {
                    return;
                }

                Complete(op, OperationStatus.Failed, now, error: result.Describe());
                p.Touch(now);
                if (p.Status == PaymentStatus.Pending)
                {
                    p.Status = PaymentStatus.Declined;
                    p.FailureReason = Truncate(result.Code ?? "declined");
                    CancelPendingCapture(p);
                    LogDeclined(logger, p.Id, p.OrderId, p.FailureReason);
                    await bus.PublishAsync(PaymentEvents.Declined(p, at));
                }

                return;

            case OperationKind.Capture when result.Outcome == PspOutcome.Ok:
                if (op.Status == OperationStatus.Succeeded)
                {
                    return;
                }

                Complete(op, OperationStatus.Succeeded, now, result.Value!.Id);
                p.CapturedMinor = p.AmountMinor;
                p.Touch(now);
                if (p.Status is PaymentStatus.Authorized or PaymentStatus.CaptureFailed)
                {
                    p.Status = PaymentStatus.Captured;
                    LogCaptured(logger, p.Id, p.OrderId);
                    await bus.PublishAsync(PaymentEvents.Captured(p, at));
                }

                return;

            case OperationKind.Capture:
                if (op.Status != OperationStatus.Pending)
                {
                    return;
                }

                Complete(op, OperationStatus.Failed, now, error: result.Describe());
                p.Touch(now);
                if (p.Status == PaymentStatus.Authorized)
                {
                    p.Status = PaymentStatus.CaptureFailed;
                    p.FailureReason = Truncate(result.Code ?? "capture refused");
                    LogCaptureFailed(logger, p.Id, p.OrderId, p.FailureReason);
                    await bus.PublishAsync(PaymentEvents.CaptureFailed(p, at));
                }

                return;

            case OperationKind.Void when result.Outcome == PspOutcome.Ok:
                if (op.Status != OperationStatus.Pending)
                {
                    return;
                }

                if (p.PspReference is { } hold && result.Value?.Id != hold)
                {
                    // The authorization's answer arrived while this void was looking: void that hold too.
                    op.Attempts++;
                    op.UpdatedAt = now;
                    p.Touch(now);
                    await KickAsync(p.Id, OperationKind.Void, TimeSpan.Zero);
                    return;
                }

                Complete(op, OperationStatus.Succeeded, now, result.Value?.Id);
                p.Touch(now);
                if (p.Status != PaymentStatus.Voided)
                {
                    p.Status = PaymentStatus.Voided;
                    LogVoided(logger, p.Id, p.OrderId);
                    await bus.PublishAsync(PaymentEvents.Voided(p, at));
                }

                return;

            case OperationKind.Void:
                if (op.Status != OperationStatus.Pending)
                {
                    return;
                }

                Complete(op, OperationStatus.Failed, now, error: result.Describe());
                p.Touch(now);
                if (result.Code == "authorization_captured")
                {
                    // A capture overtook the void: the money was taken, so it goes back as a refund.
                    p.CapturedMinor = p.AmountMinor;
                    p.Status = PaymentStatus.Captured;
                    LogVoidBecomesRefund(logger, p.Id, p.OrderId);
                    await StartAsync(p, OperationKind.Refund, p.CapturedMinor - p.RefundedMinor, TimeSpan.Zero, ct);
                }
                else
                {
                    LogRefused(logger, kind, p.Id, result.Describe());
                }

                return;

            case OperationKind.Refund when result.Outcome == PspOutcome.Ok:
                if (op.Status != OperationStatus.Pending)
                {
                    return;
                }

                Complete(op, OperationStatus.Succeeded, now, result.Value!.Id);
                p.RefundedMinor += op.AmountMinor;
                p.Status = PaymentStatus.Refunded;
                p.Touch(now);
                LogRefunded(logger, p.Id, p.OrderId);
                await bus.PublishAsync(PaymentEvents.Refunded(p, at));
                return;

            default:
                if (op.Status != OperationStatus.Pending)
                {
                    return;
                }

                // The contract has no "refund failed" answer; an operator sees the failed operation on the payment.
                Complete(op, OperationStatus.Failed, now, error: result.Describe());
                p.Touch(now);
                LogRefused(logger, kind, p.Id, result.Describe());
                return;
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

    private static void Complete(PaymentOperation op, OperationStatus status, DateTime now, string? reference = null, string? error = null)
    {
        op.Status = status;
        op.CompletedAt = now;
        op.UpdatedAt = now;
        op.PspReference = reference ?? op.PspReference;
        op.LastError = error is null ? op.LastError : Truncate(error);
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500];

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
