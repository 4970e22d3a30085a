using System.Security.Cryptography;
using System.Text;
using Agora.Http;
using Agora.Auth;
using Agora.Payment.Features.Payments;
using Agora.Payment.Infrastructure;
using Agora.Primitives;
using Agora.Storage;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;
using Agora.Contracts.Payment.V1;
using PaymentMessage = Agora.Contracts.Payment.V1.Payment;

namespace Agora.Payment.Grpc;

/// <summary>
/// gRPC <c>ecommerce.payment.v1.PaymentService</c>, service-only: every method wants a client-credentials token
/// (<c>sub</c> equals <c>client_id</c>) with <c>write:payments</c> (<c>read:payments</c> for GetPayment); a user's
/// token is PERMISSION_DENIED whatever its scopes or roles, so nobody refunds, voids or captures money for
/// themselves. A repeat of an order's authorization with another amount or customer is ALREADY_EXISTS, whether it
/// reuses the idempotency key or not: the amount authorized is the first one asked. A mutation records its
/// idempotency key with the change it makes, then calls the provider in the request (through the same worker the
/// saga's messages use) and answers the payment as it then is. A durable attempt scheduled with the change finishes the
/// operation if this process dies mid-call; it finds nothing to do otherwise.
/// </summary>
internal sealed class PaymentGrpcService(
    IServiceScopeFactory scopes, PaymentDbContext db, PspWorker worker, TimeProvider clock, IOptions<PaymentOptions> options,
    ILogger<PaymentLedger> logger) : PaymentService.PaymentServiceBase
{
    private const int MaxKeyLength = 100;

    [Authorize(Policy = PaymentPolicies.Write)]
    public override async Task<AuthorizeResponse> Authorize(AuthorizeRequest request, ServerCallContext context)
    {
        RequireKey(request.IdempotencyKey);
        Require(CorrelationContext.IsSane(request.OrderId), "order_id: 1–128 characters of [A-Za-z0-9-_.:].");
        Require(request.CustomerId is { Length: > 0 and <= 100 }, "customer_id: 1–100 characters.");
        var money = request.Amount is null ? null : new MoneyDto(request.Amount.Amount, request.Amount.Currency);
        Require(Currencies.TryParse(money, out var minor, out var moneyError) && minor > 0, "amount: " + (moneyError ?? "must be positive."));
        var hash = Hash("authorize", request.OrderId, request.CustomerId, minor.ToString(System.Globalization.CultureInfo.InvariantCulture), money!.Currency);

        var payment = await MutateAsync(context, request.IdempotencyKey, hash, async (ledger, ct) =>
        {
            var p = await ledger.FindByOrderAsync(request.OrderId, ct);
            if (p is null)
            {
                p = await ledger.CreateAsync(request.OrderId, request.CustomerId, minor, money.Currency, options.Value.InlineSafetyNet, ct);
                return (p, OperationKind.Authorize);
            }

            if (p.Placeholder)
            {
                throw Failed(StatusCode.FailedPrecondition, $"Order '{request.OrderId}' was cancelled before it was paid.");
            }

            if (p.AmountMinor != minor || p.Currency != money.Currency || p.CustomerId != request.CustomerId)
            {
                throw Failed(StatusCode.AlreadyExists, $"Order '{request.OrderId}' already has payment {p.Id} with another amount or customer.");
            }

            return (p, null);
        });
        return new AuthorizeResponse { Payment = payment };
    }

    [Authorize(Policy = PaymentPolicies.Write)]
    public override async Task<CaptureResponse> Capture(CaptureRequest request, ServerCallContext context)
    {
        RequireKey(request.IdempotencyKey);
        var payment = await MutateAsync(context, request.IdempotencyKey, Hash("capture", request.PaymentId), async (ledger, ct) =>
        {
            var p = await FindAsync(ledger, request.PaymentId, ct);
            switch (p.Status)
            {
                case PaymentStatus.Authorized:
                    return (p, await ledger.StartAsync(p, OperationKind.Capture, p.AmountMinor, options.Value.InlineSafetyNet, ct) ? OperationKind.Capture : null);
                case PaymentStatus.Captured or PaymentStatus.Refunded or PaymentStatus.CaptureFailed:
                    return (p, null);
                default:
                    throw Failed(StatusCode.FailedPrecondition, $"Payment {p.Id} is {Names.Of(p.Status)}: only an authorized payment can be captured.");
            }
        });
        return new CaptureResponse { Payment = payment };
    }

    [Authorize(Policy = PaymentPolicies.Write)]
    public override async Task<VoidResponse> Void(VoidRequest request, ServerCallContext context)
    {
        RequireKey(request.IdempotencyKey);
        Require(request.Reason.Length <= 500, "reason: at most 500 characters.");
        var payment = await MutateAsync(context, request.IdempotencyKey, Hash("void", request.PaymentId), async (ledger, ct) =>
        {
            var p = await FindAsync(ledger, request.PaymentId, ct);
            switch (p.Status)
            {
                case PaymentStatus.Pending:
                    await ledger.CancelPendingAsync(p, request.Reason, options.Value.InlineSafetyNet, ct);
                    return (p, OperationKind.Void);
                case PaymentStatus.Authorized or PaymentStatus.CaptureFailed:
                    return (p, await ledger.StartAsync(p, OperationKind.Void, 0, options.Value.InlineSafetyNet, ct) ? OperationKind.Void : null);
                case PaymentStatus.Captured or PaymentStatus.Refunded:
                    throw Failed(StatusCode.FailedPrecondition, $"Payment {p.Id} was captured: refund it instead.");
                default:
                    return (p, null);
            }
        });
        return new VoidResponse { Payment = payment };
    }

    [Authorize(Policy = PaymentPolicies.Write)]
    public override async Task<RefundResponse> Refund(RefundRequest request, ServerCallContext context)
    {
        RequireKey(request.IdempotencyKey);
        Require(request.Reason.Length <= 500, "reason: at most 500 characters.");
        long? asked = null;
        if (request.Amount is not null)
        {
            Require(Currencies.TryParse(new MoneyDto(request.Amount.Amount, request.Amount.Currency), out var value, out var error) && value > 0,
                "amount: " + (error ?? "must be positive."));
            asked = value;
        }

        var hash = Hash("refund", request.PaymentId, request.Amount?.Amount ?? "all", request.Amount?.Currency ?? "");
        var payment = await MutateAsync(context, request.IdempotencyKey, hash, async (ledger, ct) =>
        {
            var p = await FindAsync(ledger, request.PaymentId, ct);
            switch (p.Status)
            {
                case PaymentStatus.Captured:
                    var left = p.CapturedMinor - p.RefundedMinor;
                    if (request.Amount is not null && (request.Amount.Currency != p.Currency || asked > left))
                    {
                        throw Failed(StatusCode.InvalidArgument,
                            $"amount: at most {Currencies.Format(left, p.Currency).Amount} {p.Currency} can be refunded.");
                    }

                    return (p, await ledger.StartAsync(p, OperationKind.Refund, asked ?? left, options.Value.InlineSafetyNet, ct) ? OperationKind.Refund : null);
                case PaymentStatus.Refunded:
                    return (p, null);
                default:
                    throw Failed(StatusCode.FailedPrecondition, $"Payment {p.Id} is {Names.Of(p.Status)}: only captured money can be refunded.");
            }
        });
        return new RefundResponse { Payment = payment };
    }

    [Authorize(Policy = PaymentPolicies.ServiceRead)]
    public override async Task<GetPaymentResponse> GetPayment(GetPaymentRequest request, ServerCallContext context)
    {
        var query = db.Payments.AsNoTracking().Where(p => !p.Placeholder);
        var payment = request.KeyCase switch
        {
            GetPaymentRequest.KeyOneofCase.PaymentId => await query.FirstOrDefaultAsync(p => p.Id == request.PaymentId, context.CancellationToken),
            GetPaymentRequest.KeyOneofCase.OrderId => await query.FirstOrDefaultAsync(p => p.OrderId == request.OrderId, context.CancellationToken),
            _ => throw Failed(StatusCode.InvalidArgument, "payment_id or order_id is required."),
        };
        return payment is null
            ? throw Failed(StatusCode.NotFound, "No such payment.")
            : new GetPaymentResponse { Payment = ToMessage(payment) };
    }

    /// <summary>
    /// The idempotent shell of every mutation: a key seen before answers the payment it named (or ALREADY_EXISTS
    /// for another request: a conflict); otherwise <paramref name="change"/> runs and commits with the key in one transaction,
    /// then the operation it started, if any, calls the provider. A race (another request with the same key, or a
    /// concurrent change to the payment) is retried from the top, where it usually turns into a replay.
    /// </summary>
    private async Task<PaymentMessage> MutateAsync(ServerCallContext context, string key, string hash,
        Func<PaymentLedger, CancellationToken, Task<(PaymentRecord Payment, OperationKind? Started)>> change)
    {
        var ct = context.CancellationToken;
        var caller = Caller(context);
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<PaymentDbContext>>();
            var known = await outbox.DbContext.IdempotencyKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Caller == caller && k.Key == key, ct);
            if (known is not null)
            {
                return known.RequestHash == hash
                    ? await CurrentAsync(known.PaymentId, ct)
                    // A repeat that asks for something else (another amount, customer or payment) is a conflict, never
                    // a replay: the first request stands and the caller hears so (ALREADY_EXISTS, HTTP 409).
                    : throw Failed(StatusCode.AlreadyExists, "idempotency_key was already used with a different request (another amount, customer or payment).");
            }

            var ledger = new PaymentLedger(outbox.DbContext, outbox, clock, options.Value, logger);
            var (payment, started) = await change(ledger, ct);
            outbox.DbContext.IdempotencyKeys.Add(new IdempotencyKeyRecord
            {
                Caller = caller, Key = key, RequestHash = hash, PaymentId = payment.Id, CreatedAt = clock.GetUtcNow().UtcDateTime,
            });
            try
            {
                await outbox.SaveChangesAndFlushMessagesAsync(ct);
            }
            catch (DbUpdateException e) when (attempt < 3 && (e is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(e)))
            {
                continue;
            }

            if (started is { } kind)
            {
                await worker.RunAsync(payment.Id, kind, ct);
            }

            return await CurrentAsync(payment.Id, ct);
        }
    }

    private static async Task<PaymentRecord> FindAsync(PaymentLedger ledger, string id, CancellationToken ct) =>
        (Ids.HasPrefix(id, "pay") ? await ledger.FindAsync(id, ct) : null)
        ?? throw Failed(StatusCode.NotFound, $"Payment '{(id.Length <= 64 ? id : id[..64])}' does not exist.");

    private async Task<PaymentMessage> CurrentAsync(string id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var p = await scope.ServiceProvider.GetRequiredService<PaymentDbContext>().Payments.AsNoTracking().FirstAsync(x => x.Id == id, ct);
        return ToMessage(p);
    }

    private static string Caller(ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        return user.FindFirst(AgoraClaims.Subject)?.Value ?? user.FindFirst(AgoraClaims.ClientId)?.Value ?? "";
    }

    private static string Hash(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts))));

    private static void RequireKey(string key) =>
        Require(key.Length <= MaxKeyLength && CorrelationContext.IsSane(key), $"idempotency_key: 1–{MaxKeyLength} characters of [A-Za-z0-9-_.:].");

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw Failed(StatusCode.InvalidArgument, message);
        }
    }

    private static RpcException Failed(StatusCode code, string message) => new(new Status(code, message));

    internal static PaymentMessage ToMessage(PaymentRecord p) => new()
    {
        Id = p.Id,
        OrderId = p.OrderId,
        CustomerId = p.CustomerId,
        Amount = Money(p.AmountMinor, p.Currency),
        Status = Names.Of(p.Status),
        PspReference = p.PspReference ?? "",
        Captured = Money(p.CapturedMinor, p.Currency),
        Refunded = Money(p.RefundedMinor, p.Currency),
        FailureReason = p.FailureReason ?? "",
        CreatedAt = new DateTimeOffset(p.CreatedAt).ToUnixTimeSeconds(),
        UpdatedAt = new DateTimeOffset(p.UpdatedAt).ToUnixTimeSeconds(),
    };

    private static Money Money(long minor, string currency)
    {
        var m = Currencies.Format(minor, currency);
        return new Money { Amount = m.Amount, Currency = m.Currency };
    }
}
