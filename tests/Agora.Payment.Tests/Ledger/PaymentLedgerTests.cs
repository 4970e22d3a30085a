using Agora.Contracts.Orders;
using Agora.Payment.Features.Payments;
using Agora.Payment.Features.Psp;
using Agora.Payment.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Wolverine;

namespace Agora.Payment.Tests.Ledger;

/// <summary>
/// <see cref="PaymentLedger.ApplyAsync"/>: how the provider's answer moves a payment, table-driven. The ledger changes
/// the payment entity and asks the bus to publish or send; here the entity is a plain object and the bus a recorder, so
/// the rules run without a database or a broker. What the ledger reads from the database (finding a payment, the
/// placeholder for an order without one, <see cref="PaymentLedger.ReleaseAsync"/>) is covered by the service tests.
/// </summary>
public sealed class PaymentLedgerTests : IDisposable
{
    private const long Amount = 50_000;
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly IMessageBus _bus;
    private readonly RecordingBus _record;
    private readonly PaymentLedger _ledger;
    private readonly PaymentDbContext _db;

    public PaymentLedgerTests()
    {
        (_bus, _record) = RecordingBus.Create();
        // Never opened: ApplyAsync works on the entity it is given.
        _db = new PaymentDbContext(new DbContextOptionsBuilder<PaymentDbContext>().Options);
        _ledger = new PaymentLedger(_db, _bus, _clock, new PaymentOptions(), NullLogger.Instance);
    }

    public void Dispose() => _db.Dispose();

    /// <summary>A payment in <paramref name="status"/> with operations given as "authorize:succeeded capture:pending".</summary>
    private static PaymentRecord Payment(PaymentStatus status, string operations, string? hold = "auth_1")
    {
        var p = new PaymentRecord
        {
            Id = "pay_1", OrderId = "ord_1", CustomerId = "usr_1", AmountMinor = Amount, Currency = "KRW", Status = status,
            PspReference = status == PaymentStatus.Pending ? null : hold,
            CapturedMinor = status is PaymentStatus.Captured or PaymentStatus.Refunded ? Amount : 0,
        };
        foreach (var op in operations.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(o => o.Split(':')))
        {
            var kind = Enum.Parse<OperationKind>(op[0], ignoreCase: true);
            p.Operations.Add(new PaymentOperation
            {
                Id = "pop_" + op[0], PaymentId = p.Id, Kind = kind, Status = Enum.Parse<OperationStatus>(op[1], ignoreCase: true),
                IdempotencyKey = PaymentOperation.KeyFor(p.Id, kind), AmountMinor = kind == OperationKind.Refund ? Amount : 0,
            });
        }

        return p;
    }

    private static PspResult Answer(string outcome, string? code = null, string reference = "auth_1") => outcome switch
    {
        "ok" => new PspResult(PspOutcome.Ok, new PspObject(reference, "succeeded", "50000", "KRW", "ord_1")),
        "refused" => new PspResult(PspOutcome.Refused, Code: code, Message: "no"),
        _ => PspResult.Unavailable("connection refused"),
    };

    private string Published => string.Join(' ', _record.Published.Select(m => m.GetType().Name));
    private string Kicked => string.Join(' ', _record.Sent.Concat(_record.Scheduled.Select(s => s.Message)).Cast<CallPsp>().Select(c => c.Operation));

    [Theory]
    // (payment, its operations, answered operation, answer, refusal code) -> (payment, operation, published, provider calls started)
    [InlineData(PaymentStatus.Pending, "authorize:pending", "authorize", "ok", null, PaymentStatus.Authorized, OperationStatus.Succeeded, "PaymentAuthorized", "")]
    [InlineData(PaymentStatus.Pending, "authorize:pending capture:pending", "authorize", "ok", null, PaymentStatus.Authorized, OperationStatus.Succeeded, "PaymentAuthorized", "Capture")]
    [InlineData(PaymentStatus.Pending, "authorize:pending", "authorize", "refused", "card_declined", PaymentStatus.Declined, OperationStatus.Failed, "PaymentDeclined", "")]
    [InlineData(PaymentStatus.Authorized, "authorize:succeeded", "authorize", "ok", null, PaymentStatus.Authorized, OperationStatus.Succeeded, "", "")]
    [InlineData(PaymentStatus.Declined, "authorize:failed", "authorize", "refused", "card_declined", PaymentStatus.Declined, OperationStatus.Failed, "", "")]
    // A hold that arrives after the payment was voided is recorded and voided again.
    [InlineData(PaymentStatus.Voided, "authorize:cancelled void:succeeded", "authorize", "ok", null, PaymentStatus.Voided, OperationStatus.Succeeded, "", "Void")]
    [InlineData(PaymentStatus.Authorized, "authorize:succeeded capture:pending", "capture", "ok", null, PaymentStatus.Captured, OperationStatus.Succeeded, "PaymentCaptured", "")]
    [InlineData(PaymentStatus.Authorized, "authorize:succeeded capture:pending", "capture", "refused", "authorization_expired", PaymentStatus.CaptureFailed, OperationStatus.Failed, "PaymentCaptureFailed", "")]
    [InlineData(PaymentStatus.Captured, "authorize:succeeded capture:succeeded", "capture", "ok", null, PaymentStatus.Captured, OperationStatus.Succeeded, "", "")]
    [InlineData(PaymentStatus.Authorized, "authorize:succeeded void:pending", "void", "ok", null, PaymentStatus.Voided, OperationStatus.Succeeded, "PaymentVoided", "")]
    // A capture overtook the void: the money was taken, so it goes back as a refund.
    [InlineData(PaymentStatus.Authorized, "authorize:succeeded void:pending", "void", "refused", "authorization_captured", PaymentStatus.Captured, OperationStatus.Failed, "", "Refund")]
    [InlineData(PaymentStatus.Authorized, "authorize:succeeded void:pending", "void", "refused", "not_found", PaymentStatus.Authorized, OperationStatus.Failed, "", "")]
    [InlineData(PaymentStatus.Voided, "authorize:succeeded void:succeeded", "void", "ok", null, PaymentStatus.Voided, OperationStatus.Succeeded, "", "")]
    [InlineData(PaymentStatus.Captured, "authorize:succeeded capture:succeeded refund:pending", "refund", "ok", null, PaymentStatus.Refunded, OperationStatus.Succeeded, "PaymentRefunded", "")]
    // The contract has no "refund failed": the payment stays captured, the operation shows the failure.
    [InlineData(PaymentStatus.Captured, "authorize:succeeded capture:succeeded refund:pending", "refund", "refused", "insufficient_funds", PaymentStatus.Captured, OperationStatus.Failed, "", "")]
    [InlineData(PaymentStatus.Refunded, "authorize:succeeded capture:succeeded refund:succeeded", "refund", "ok", null, PaymentStatus.Refunded, OperationStatus.Succeeded, "", "")]
    // The provider could not be asked: the operation waits for its next durable attempt; Ordering hears once that it is pending.
    [InlineData(PaymentStatus.Pending, "authorize:pending", "authorize", "unavailable", null, PaymentStatus.Pending, OperationStatus.Pending, "PaymentPending", "Authorize")]
    [InlineData(PaymentStatus.Authorized, "authorize:succeeded capture:pending", "capture", "unavailable", null, PaymentStatus.Authorized, OperationStatus.Pending, "", "Capture")]
    [InlineData(PaymentStatus.Captured, "authorize:succeeded capture:succeeded", "capture", "unavailable", null, PaymentStatus.Captured, OperationStatus.Succeeded, "", "")]
    public async Task ApplyAsync_Answer_MovesThePayment(PaymentStatus status, string operations, string kind, string outcome, string? code,
        PaymentStatus after, OperationStatus operation, string published, string kicked)
    {
        var p = Payment(status, operations);
        var operationKind = Enum.Parse<OperationKind>(kind, ignoreCase: true);

        await _ledger.ApplyAsync(p, operationKind, Answer(outcome, code), CancellationToken.None);

        Assert.Equal((after, operation, published, kicked), (p.Status, p.Operation(operationKind)!.Status, Published, Kicked));
    }

    [Fact]
    public async Task ApplyAsync_Declined_CancelsTheWaitingCapture_AndKeepsTheReason()
    {
        var p = Payment(PaymentStatus.Pending, "authorize:pending capture:pending");
        await _ledger.ApplyAsync(p, OperationKind.Authorize, Answer("refused", "card_declined"), CancellationToken.None);
        Assert.Equal(OperationStatus.Cancelled, p.Operation(OperationKind.Capture)!.Status);
        Assert.Equal("card_declined", p.FailureReason);
        Assert.Equal("card_declined", Assert.IsType<PaymentDeclined>(Assert.Single(_record.Published)).Reason);
    }

    [Fact]
    public async Task ApplyAsync_Authorized_RecordsTheHold_AndTheAnswerCarriesTheAmount()
    {
        var p = Payment(PaymentStatus.Pending, "authorize:pending");
        await _ledger.ApplyAsync(p, OperationKind.Authorize, Answer("ok", reference: "auth_9"), CancellationToken.None);
        Assert.Equal("auth_9", p.PspReference);
        var authorized = Assert.IsType<PaymentAuthorized>(Assert.Single(_record.Published));
        Assert.Equal((50_000m, "KRW", "auth_9", "ord_1", Now), (authorized.Amount, authorized.Currency, authorized.PspReference, authorized.OrderId, authorized.OccurredAt));
        Assert.Equal(Now.UtcDateTime, p.Operation(OperationKind.Authorize)!.CompletedAt);
    }

    [Fact]
    public async Task ApplyAsync_VoidFindsAnotherHold_VoidsAgain()
    {
        // The authorization's answer (auth_2) arrived while the void was looking at auth_1: the void goes on.
        var p = Payment(PaymentStatus.Authorized, "authorize:succeeded void:pending", hold: "auth_2");
        await _ledger.ApplyAsync(p, OperationKind.Void, Answer("ok", reference: "auth_1"), CancellationToken.None);
        Assert.Equal((PaymentStatus.Authorized, OperationStatus.Pending, 1), (p.Status, p.Operation(OperationKind.Void)!.Status, p.Operation(OperationKind.Void)!.Attempts));
        Assert.Equal("Void", Kicked);
        Assert.Empty(_record.Published);
    }

    [Fact]
    public async Task ApplyAsync_Refunded_CountsTheRefundedAmount()
    {
        var p = Payment(PaymentStatus.Captured, "authorize:succeeded capture:succeeded refund:pending");
        await _ledger.ApplyAsync(p, OperationKind.Refund, Answer("ok", reference: "re_1"), CancellationToken.None);
        Assert.Equal(Amount, p.RefundedMinor);
        Assert.Equal(50_000m, Assert.IsType<PaymentRefunded>(Assert.Single(_record.Published)).Amount);
    }

    [Fact]
    public async Task ApplyAsync_ProviderDownAgain_PendingToldOnce_RetriesBackOff()
    {
        var p = Payment(PaymentStatus.Pending, "authorize:pending");
        for (var i = 0; i < 3; i++)
        {
            await _ledger.ApplyAsync(p, OperationKind.Authorize, Answer("unavailable"), CancellationToken.None);
        }

        Assert.Equal("PaymentPending", Published);
        Assert.True(p.PendingNotified);
        Assert.Equal(3, p.Operation(OperationKind.Authorize)!.Attempts);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)], _record.Scheduled.Select(s => (TimeSpan)s.When!));
    }

    [Fact]
    public async Task ApplyAsync_EveryChange_BumpsTheVersion()
    {
        var p = Payment(PaymentStatus.Pending, "authorize:pending");
        var before = p.Version;
        await _ledger.ApplyAsync(p, OperationKind.Authorize, Answer("ok"), CancellationToken.None);
        Assert.True(p.Version > before);
        var settled = p.Version;
        await _ledger.ApplyAsync(p, OperationKind.Authorize, Answer("ok"), CancellationToken.None); // a repeat changes nothing
        Assert.Equal(settled, p.Version);
    }

    [Fact]
    public async Task ApplyAsync_NoSuchOperation_Throws() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _ledger.ApplyAsync(Payment(PaymentStatus.Authorized, "authorize:succeeded"), OperationKind.Refund, Answer("ok"), CancellationToken.None));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 5)]
    [InlineData(6, 60)]
    [InlineData(50, 60)]
    public void RetryDelay_Attempt_BacksOffToTheCap(int attempt, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), new PaymentOptions().RetryDelay(attempt));
}
