using Agora.Http;
using Agora.Payment.Features.Psp;
using Agora.Payment.Infrastructure;
using Agora.Primitives;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wolverine.Attributes;
using Wolverine.EntityFrameworkCore;

namespace Agora.Payment.Features.Payments;

/// <summary>
/// Makes one operation's call to the provider and applies the answer. The call happens outside any database
/// transaction (a SQLite write lock or a PostgreSQL transaction held across seconds of retries would stall every other
/// writer); the answer is then applied to a fresh read of the payment in a short transaction with the messages it
/// causes. A concurrent change (a void arriving mid-call) makes that commit fail on the payment's version: the same
/// answer is applied again to the newer state, without calling the provider twice.
/// </summary>
/// <remarks>
/// A singleton (the message handler gets it as it is, no service location): each run opens its own scopes, and takes
/// the typed client from the factory, so every call gets the current handler chain and the one shared pipeline.
/// </remarks>
public sealed partial class PspWorker(
    IServiceScopeFactory scopes, IHttpClientFactory clients, TimeProvider clock, IOptions<PaymentOptions> options, ILogger<PspWorker> logger)
{
    private const int ConflictRetries = 5;

    public async Task RunAsync(string paymentId, OperationKind kind, CancellationToken ct)
    {
        PaymentRecord? before;
        await using (var scope = scopes.CreateAsyncScope())
        {
            before = await scope.ServiceProvider.GetRequiredService<PaymentDbContext>().Payments.AsNoTracking()
                .Include(p => p.Operations).FirstOrDefaultAsync(p => p.Id == paymentId, ct);
        }

        var op = before?.Operation(kind);
        if (op is not { Status: OperationStatus.Pending })
        {
            // Done, refused or cancelled by an earlier attempt: a duplicate or late attempt has nothing to do.
            return;
        }

        var result = await CallAsync(new PspClient(clients.CreateClient(nameof(PspClient))), before!, op, ct);
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<PaymentDbContext>>();
            var payment = await outbox.DbContext.Payments.Include(p => p.Operations).FirstAsync(p => p.Id == paymentId, ct);
            var ledger = new PaymentLedger(outbox.DbContext, outbox, clock, options.Value, logger);
            await ledger.ApplyAsync(payment, kind, result, ct);
            try
            {
                await outbox.SaveChangesAndFlushMessagesAsync(ct);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < ConflictRetries)
            {
                LogConflict(logger, kind, paymentId, attempt);
            }
        }
    }

    private static async Task<PspResult> CallAsync(PspClient psp, PaymentRecord p, PaymentOperation op, CancellationToken ct)
    {
        switch (op.Kind)
        {
            case OperationKind.Authorize:
                return await psp.AuthorizeAsync(op.IdempotencyKey, Currencies.ToDecimal(p.AmountMinor, p.Currency), p.Currency, p.OrderId, p.CustomerId, ct);
            case OperationKind.Capture when p.PspReference is { } capture:
                return await psp.CaptureAsync(op.IdempotencyKey, capture, ct);
            case OperationKind.Refund when p.PspReference is { } refund:
                return await psp.RefundAsync(op.IdempotencyKey, refund, Currencies.ToDecimal(op.AmountMinor, p.Currency), ct);
            case OperationKind.Void:
                return await VoidAsync(psp, p, op, ct);
            default:
                return new PspResult(PspOutcome.Refused, Code: "no_authorization", Message: "The payment has no authorization at the provider.");
        }
    }

    /// <summary>
    /// Voids the payment's hold. If the authorization's answer never arrived (a timeout, a void while pending), the
    /// provider may still hold money for the order: its authorizations for the order id are looked up and voided.
    /// Keys are the void operation's key plus the hold, so each hold is voided at most once however often this runs.
    /// </summary>
    private static async Task<PspResult> VoidAsync(PspClient psp, PaymentRecord p, PaymentOperation op, CancellationToken ct)
    {
        List<string> holds;
        if (p.PspReference is { } known)
        {
            holds = [known];
        }
        else
        {
            var (outcome, items, why) = await psp.ListAuthorizationsAsync(p.OrderId, ct);
            if (outcome != PspOutcome.Ok)
            {
                return PspResult.Unavailable(why ?? "lookup failed");
            }

            holds = items.Where(i => i.Status == "authorized").Select(i => i.Id).ToList();
        }

        PspResult last = new(PspOutcome.Ok);
        foreach (var hold in holds)
        {
            last = await psp.VoidAsync(op.IdempotencyKey + ":" + hold, hold, ct);
            if (last.Outcome == PspOutcome.Refused && last.Code is "authorization_expired" or "authorization_voided")
            {
                // Nothing is held any more: as good as voided.
                last = new PspResult(PspOutcome.Ok, new PspObject(hold, "voided", null, null, p.OrderId));
            }

            if (last.Outcome != PspOutcome.Ok)
            {
                return last;
            }
        }

        return last;
    }

    [LoggerMessage(EventId = 4020, Level = LogLevel.Debug, Message = "{Operation} of payment {PaymentId} changed during the provider call (attempt {Attempt}); applying the answer again")]
    private static partial void LogConflict(ILogger logger, OperationKind operation, string paymentId, int attempt);
}

/// <summary>Runs the scheduled and immediate provider attempts (<see cref="CallPsp"/>, a durable local queue).</summary>
public static class CallPspHandler
{
    // Not in a transaction: the worker commits its own short ones around the provider call (see PspWorker).
    [NonTransactional]
    public static Task Handle(CallPsp message, PspWorker worker, CancellationToken ct) =>
        worker.RunAsync(message.PaymentId, message.Operation, ct);
}
