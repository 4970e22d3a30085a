using Agora.Payment.Features.Psp;
using Agora.Payment.Infrastructure;

namespace Agora.Payment.Features.Payments;

/// <summary>The provider's answers, one method per operation and outcome.</summary>
public sealed partial class PaymentLedger
{
    /// <summary>
    /// Refusals of a void that mean nothing is held at the provider: the hold does not exist (<c>resource_missing</c>),
    /// lapsed, or was voided before. As good as voided, and final: asking again cannot change the answer.
    /// </summary>
    private static readonly HashSet<string> NothingHeld = new(StringComparer.Ordinal) { "resource_missing", "authorization_expired", "authorization_voided" };

    /// <summary>
    /// Applies the provider's answer to the payment as it is now (it may have changed during the call). An answer the
    /// provider gave (success or refusal) is final for the operation: it is recorded and never asked again; only
    /// <see cref="PspOutcome.Unavailable"/> is tried again later.
    /// </summary>
    public async Task ApplyAsync(PaymentRecord p, OperationKind kind, PspResult result, CancellationToken ct)
    {
        var op = p.Operation(kind) ?? throw new InvalidOperationException($"Payment {p.Id} has no {kind} operation.");
        if (result.Outcome == PspOutcome.Unavailable)
        {
            await RetryLaterAsync(p, op, result.Describe(), ct);
            return;
        }

        var ok = result.Outcome == PspOutcome.Ok;
        await (kind switch
        {
            OperationKind.Authorize when ok => AuthorizedAsync(p, op, result, ct),
            OperationKind.Authorize => AuthorizeRefusedAsync(p, op, result),
            OperationKind.Capture when ok => CapturedAsync(p, op, result, ct),
            OperationKind.Capture => CaptureRefusedAsync(p, op, result),
            OperationKind.Void when ok => VoidedAsync(p, op, result),
            OperationKind.Void => VoidRefusedAsync(p, op, result, ct),
            OperationKind.Refund when ok => RefundedAsync(p, op, result),
            _ => RefusedAsync(p, op, result),
        });
    }

    private async Task AuthorizedAsync(PaymentRecord p, PaymentOperation op, PspResult result, CancellationToken ct)
    {
        if (op.Status == OperationStatus.Succeeded)
        {
            return;
        }

        // Done at the provider even if the payment was voided meanwhile: record the hold, then release it.
        var now = Now;
        Complete(op, OperationStatus.Succeeded, now, result.Value!.Id);
        p.PspReference = result.Value.Id;
        p.Touch(now);
        if (p.Status != PaymentStatus.Pending)
        {
            LogLateHold(logger, p.Id, p.OrderId, p.PspReference, p.Status);
            await StartAsync(p, OperationKind.Void, 0, TimeSpan.Zero, ct);
            return;
        }

        p.Status = PaymentStatus.Authorized;
        LogAuthorized(logger, p.Id, p.OrderId, p.PspReference);
        await bus.PublishAsync(PaymentEvents.Authorized(p, clock.GetUtcNow()));
        if (p.Operation(OperationKind.Capture) is { Status: OperationStatus.Pending })
        {
            await KickAsync(p.Id, OperationKind.Capture, TimeSpan.Zero);
        }
    }

    private async Task AuthorizeRefusedAsync(PaymentRecord p, PaymentOperation op, PspResult result)
    {
        if (op.Status is OperationStatus.Succeeded or OperationStatus.Failed)
        {
            return;
        }

        if (!RecordRefusal(p, op, result, from: PaymentStatus.Pending, to: PaymentStatus.Declined, reason: "declined"))
        {
            return;
        }

        CancelPendingCapture(p);
        LogDeclined(logger, p.Id, p.OrderId, p.FailureReason);
        await bus.PublishAsync(PaymentEvents.Declined(p, clock.GetUtcNow()));
    }

    private async Task CapturedAsync(PaymentRecord p, PaymentOperation op, PspResult result, CancellationToken ct)
    {
        if (op.Status == OperationStatus.Succeeded)
        {
            return;
        }

        // Recorded even when the capture was cancelled meanwhile (a void raced it): the money was taken.
        var now = Now;
        Complete(op, OperationStatus.Succeeded, now, result.Value!.Id);
        p.CapturedMinor = p.AmountMinor;
        p.Touch(now);
        switch (p.Status)
        {
            case PaymentStatus.Authorized or PaymentStatus.CaptureFailed:
                p.Status = PaymentStatus.Captured;
                LogCaptured(logger, p.Id, p.OrderId);
                await bus.PublishAsync(PaymentEvents.Captured(p, clock.GetUtcNow()));
                break;
            case PaymentStatus.Voided or PaymentStatus.Declined:
                // Taken after the payment was given up: Ordering hears of the capture and the money goes back.
                p.Status = PaymentStatus.Captured;
                LogVoidBecomesRefund(logger, p.Id, p.OrderId);
                await bus.PublishAsync(PaymentEvents.Captured(p, clock.GetUtcNow()));
                await StartAsync(p, OperationKind.Refund, p.CapturedMinor - p.RefundedMinor, TimeSpan.Zero, ct);
                break;
        }
    }

    private async Task CaptureRefusedAsync(PaymentRecord p, PaymentOperation op, PspResult result)
    {
        if (op.Status != OperationStatus.Pending)
        {
            return;
        }

        if (!RecordRefusal(p, op, result, from: PaymentStatus.Authorized, to: PaymentStatus.CaptureFailed, reason: "capture refused"))
        {
            return;
        }

        LogCaptureFailed(logger, p.Id, p.OrderId, p.FailureReason);
        await bus.PublishAsync(PaymentEvents.CaptureFailed(p, clock.GetUtcNow()));
    }

    private async Task VoidedAsync(PaymentRecord p, PaymentOperation op, PspResult result)
    {
        if (op.Status != OperationStatus.Pending)
        {
            return;
        }

        var now = Now;
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
            await bus.PublishAsync(PaymentEvents.Voided(p, clock.GetUtcNow()));
        }
    }

    private async Task VoidRefusedAsync(PaymentRecord p, PaymentOperation op, PspResult result, CancellationToken ct)
    {
        if (op.Status != OperationStatus.Pending)
        {
            return;
        }

        if (result.Code is { } code && NothingHeld.Contains(code))
        {
            // Nothing is held at the provider: the void's purpose is met, and asking again would get the same answer.
            LogNothingHeld(logger, p.Id, p.OrderId, code);
            await VoidedAsync(p, op, new PspResult(PspOutcome.Ok, new PspObject(p.PspReference ?? "", "voided", null, null, p.OrderId)));
            return;
        }

        RecordRefusal(p, op, result);
        if (result.Code == "authorization_captured")
        {
            // A capture overtook the void: the money was taken, so it goes back as a refund.
            p.CapturedMinor = p.AmountMinor;
            p.Status = PaymentStatus.Captured;
            LogVoidBecomesRefund(logger, p.Id, p.OrderId);
            await StartAsync(p, OperationKind.Refund, p.CapturedMinor - p.RefundedMinor, TimeSpan.Zero, ct);
            return;
        }

        LogRefused(logger, OperationKind.Void, p.Id, result.Describe());
    }

    private async Task RefundedAsync(PaymentRecord p, PaymentOperation op, PspResult result)
    {
        if (op.Status != OperationStatus.Pending)
        {
            return;
        }

        var now = Now;
        Complete(op, OperationStatus.Succeeded, now, result.Value!.Id);
        p.RefundedMinor += op.AmountMinor;
        p.Status = PaymentStatus.Refunded;
        p.Touch(now);
        LogRefunded(logger, p.Id, p.OrderId);
        await bus.PublishAsync(PaymentEvents.Refunded(p, clock.GetUtcNow()));
    }

    /// <summary>A refund the provider refused: the contract has no "refund failed" answer; an operator sees the failed operation.</summary>
    private Task RefusedAsync(PaymentRecord p, PaymentOperation op, PspResult result)
    {
        if (op.Status != OperationStatus.Pending)
        {
            return Task.CompletedTask;
        }

        RecordRefusal(p, op, result);
        LogRefused(logger, op.Kind, p.Id, result.Describe());
        return Task.CompletedTask;
    }

    /// <summary>Records that the provider refused <paramref name="op"/>: the operation failed, and the payment changed.</summary>
    private void RecordRefusal(PaymentRecord p, PaymentOperation op, PspResult result)
    {
        var now = Now;
        Complete(op, OperationStatus.Failed, now, error: result.Describe());
        p.Touch(now);
    }

    /// <summary>
    /// <see cref="RecordRefusal(PaymentRecord, PaymentOperation, PspResult)"/>, then, if the payment is still
    /// <paramref name="from"/>, moves it to <paramref name="to"/> with the provider's code (or <paramref name="reason"/>)
    /// as its failure reason. False when the payment had moved on meanwhile: the refusal changes nothing more.
    /// </summary>
    private bool RecordRefusal(PaymentRecord p, PaymentOperation op, PspResult result, PaymentStatus from, PaymentStatus to, string reason)
    {
        RecordRefusal(p, op, result);
        if (p.Status != from)
        {
            return false;
        }

        p.Status = to;
        p.FailureReason = Truncate(result.Code ?? reason);
        return true;
    }

    [LoggerMessage(EventId = 4013, Level = LogLevel.Information,
        Message = "Payment {PaymentId} of order {OrderId}: the provider holds nothing to void ({Code}); voided")]
    private static partial void LogNothingHeld(ILogger logger, string paymentId, string orderId, string code);
}
