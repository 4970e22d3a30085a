using Agora.Http;
using Agora.Contracts.Orders;
using Agora.Payment.Infrastructure;
using Agora.Primitives;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Agora.Payment.Features.Payments;

/// <summary>
/// The order saga's payment step (docs/architecture.md §5): Ordering asks over the bus, Payment answers over the bus.
/// One payment per order, so a repeated command finds the same payment and answers its current outcome, and the
/// provider is never asked twice for an operation already done. Each handler only changes the database and sends
/// messages, committed together by Wolverine's transactional middleware; the provider calls are made by
/// <see cref="CallPspHandler"/> from the durable <see cref="CallPsp"/> messages sent here.
/// </summary>
public static partial class OrderPaymentHandler
{
    public static async Task Handle(AuthorizePayment command, PaymentDbContext db, IMessageContext bus, TimeProvider clock,
        IOptions<PaymentOptions> options, ILogger<PaymentLedger> logger, CancellationToken ct)
    {
        var ledger = new PaymentLedger(db, bus, clock, options.Value, logger);
        var at = clock.GetUtcNow();
        var problem = Validate(command, out var minor);
        if (problem is not null)
        {
            LogInvalidCommand(logger, nameof(AuthorizePayment), command.OrderId, problem);
            await bus.PublishAsync(new PaymentDeclined(Guid.CreateVersion7(), at, command.OrderId ?? "", "", "invalid request: " + problem));
            return;
        }

        var payment = await ledger.FindByOrderAsync(command.OrderId, ct);
        if (payment is null)
        {
            await ledger.CreateAsync(command.OrderId, command.CustomerId, minor, command.Currency, TimeSpan.Zero, ct);
            return;
        }

        if (!payment.Placeholder && (payment.AmountMinor != minor || payment.Currency != command.Currency || payment.CustomerId != command.CustomerId))
        {
            LogDifferentRepeat(logger, command.OrderId, payment.Id);
        }

        if (PaymentEvents.ForAuthorize(payment, at) is { } answer)
        {
            await bus.PublishAsync(answer);
        }
    }

    public static async Task Handle(CapturePayment command, PaymentDbContext db, IMessageContext bus, TimeProvider clock,
        IOptions<PaymentOptions> options, ILogger<PaymentLedger> logger, CancellationToken ct)
    {
        var ledger = new PaymentLedger(db, bus, clock, options.Value, logger);
        var at = clock.GetUtcNow();
        var payment = await ledger.FindByOrderAsync(command.OrderId ?? "", ct);
        if (payment is null || payment.Placeholder)
        {
            await bus.PublishAsync(new PaymentCaptureFailed(Guid.CreateVersion7(), at, command.OrderId ?? "", "", "the order has no payment"));
            return;
        }

        switch (payment.Status)
        {
            case PaymentStatus.Captured or PaymentStatus.Refunded:
                await bus.PublishAsync(PaymentEvents.Captured(payment, at));
                break;
            case PaymentStatus.CaptureFailed:
                await bus.PublishAsync(PaymentEvents.CaptureFailed(payment, at));
                break;
            case PaymentStatus.Declined or PaymentStatus.Voided:
                await bus.PublishAsync(PaymentEvents.CaptureFailed(payment, at, $"the payment is {Names.Of(payment.Status)}"));
                break;
            case PaymentStatus.Pending:
                // Not authorized yet (the provider may be down): the capture waits and starts when the authorization does.
                await ledger.StartAsync(payment, OperationKind.Capture, payment.AmountMinor, null, ct);
                break;
            default:
                await ledger.StartAsync(payment, OperationKind.Capture, payment.AmountMinor, TimeSpan.Zero, ct);
                break;
        }
    }

    public static async Task Handle(VoidPayment command, PaymentDbContext db, IMessageContext bus, TimeProvider clock,
        IOptions<PaymentOptions> options, ILogger<PaymentLedger> logger, CancellationToken ct)
    {
        var ledger = new PaymentLedger(db, bus, clock, options.Value, logger);
        await ledger.ReleaseAsync(command.OrderId ?? "", null, command.Reason ?? "", "", ct);
    }

    public static async Task Handle(RefundPayment command, PaymentDbContext db, IMessageContext bus, TimeProvider clock,
        IOptions<PaymentOptions> options, ILogger<PaymentLedger> logger, CancellationToken ct)
    {
        var ledger = new PaymentLedger(db, bus, clock, options.Value, logger);
        var payment = await ledger.FindByOrderAsync(command.OrderId ?? "", ct);
        long? minor = null;
        if (payment is { Placeholder: false } && command.Currency == payment.Currency && command.Amount > 0)
        {
            minor = Currencies.ToMinor(command.Amount, payment.Currency);
        }
        else if (payment is { Placeholder: false })
        {
            LogRefundAll(logger, command.OrderId ?? "", command.Amount, command.Currency ?? "");
        }

        // A refund asks for money back: with no amount that fits, everything captured goes back.
        await ledger.ReleaseAsync(command.OrderId ?? "", minor ?? long.MaxValue, command.Reason ?? "",
            Currencies.IsSupported(command.Currency) ? command.Currency! : "", ct);
    }

    private static string? Validate(AuthorizePayment c, out long minor)
    {
        minor = 0;
        if (string.IsNullOrWhiteSpace(c.OrderId) || c.OrderId.Length > 100)
        {
            return "order_id: 1–100 characters";
        }

        if (string.IsNullOrWhiteSpace(c.CustomerId) || c.CustomerId.Length > 100)
        {
            return "customer_id: 1–100 characters";
        }

        if (!Currencies.TryParse(new MoneyDto(c.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Currency ?? ""), out minor, out var error))
        {
            return "amount: " + error;
        }

        return minor > 0 ? null : "amount: must be positive";
    }

    [LoggerMessage(EventId = 4030, Level = LogLevel.Error, Message = "{Command} for order {OrderId} refused: {Problem}")]
    private static partial void LogInvalidCommand(ILogger logger, string command, string? orderId, string problem);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Warning,
        Message = "AuthorizePayment for order {OrderId} repeated with another amount, currency or customer; payment {PaymentId} stands as first asked")]
    private static partial void LogDifferentRepeat(ILogger logger, string orderId, string paymentId);

    [LoggerMessage(EventId = 4032, Level = LogLevel.Warning,
        Message = "RefundPayment for order {OrderId} asks {Amount} {Currency}, which does not fit the payment; refunding everything captured")]
    private static partial void LogRefundAll(ILogger logger, string orderId, decimal amount, string currency);
}

/// <summary>The wire names of payment statuses (snake_case).</summary>
internal static class Names
{
    public static string Of(PaymentStatus status) => status switch
    {
        PaymentStatus.CaptureFailed => "capture_failed",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string Of(OperationStatus status) => status.ToString().ToLowerInvariant();

    public static string Of(OperationKind kind) => kind.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out PaymentStatus status)
    {
        foreach (var s in Enum.GetValues<PaymentStatus>())
        {
            if (Of(s) == text)
            {
                status = s;
                return true;
            }
        }

        status = default;
        return false;
    }
}
