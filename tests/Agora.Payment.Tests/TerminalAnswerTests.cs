using Agora.Contracts.Orders;
using Agora.Payment.Infrastructure;
using Agora.Payment.Tests.Infrastructure;
using Agora.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Payment.Tests;

/// <summary>
/// Issue 17, finding 5: an answer of the provider that cannot change on retry ends the retries. A void the provider
/// answers <c>resource_missing</c> (it holds nothing for that authorization, as an in-memory provider did after a
/// restart) is recorded as voided and answered once; the saga's repeated VoidPayment does not ask the provider again.
/// </summary>
public abstract class TerminalAnswerBehaviour(PaymentFixture fixture)
{
    private PaymentApp App => fixture.App;
    private PspSimulatorHost Psp => fixture.Psp;
    private FakeOrdering Ordering => fixture.Ordering;

    [Fact]
    public async Task Void_ProviderKnowsNoSuchHold_VoidedOnceAndNeverAskedAgain()
    {
        var orderId = "ord_" + Guid.NewGuid().ToString("N");
        await Ordering.SendAsync(new AuthorizePayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, "usr_forgotten", 30_000m, "KRW"));
        var authorized = await Ordering.WaitForAsync<PaymentAuthorized>(orderId);

        // The provider no longer knows the hold Payment recorded (what a provider that lost its books answers).
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaymentDbContext>();
            var payment = await db.Payments.SingleAsync(p => p.Id == authorized.PaymentId);
            payment.PspReference = "auth_forgotten_" + Guid.NewGuid().ToString("N");
            await db.SaveChangesAsync();
        }

        var before = await Psp.RequestsAsync();
        await Ordering.SendAsync(new VoidPayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, "capture timed out"));
        var voided = await Ordering.WaitForAsync<PaymentVoided>(orderId);
        Assert.Equal(authorized.PaymentId, voided.PaymentId);

        // The saga repeats its command (its answer was late, or lost): answered from the record, not from the provider.
        await Ordering.SendAsync(new VoidPayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, "capture timed out"));
        await Ordering.SendAsync(new VoidPayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, "capture timed out"));
        await Ordering.WaitForAsync<PaymentVoided>(orderId, count: 3);
        Assert.Equal(1, await Psp.RequestsAsync() - before);
        var stored = await App.StoredAsync(orderId);
        Assert.Equal(PaymentStatus.Voided, stored!.Status);
        Assert.Equal(OperationStatus.Succeeded, stored.Operation(OperationKind.Void)!.Status);
        Assert.Empty(await App.DeadLettersAsync());
    }
}

public sealed class EmbeddedTerminalAnswerFixture() : PaymentFixture(AgoraMode.Embedded);

public sealed class DistributedTerminalAnswerFixture() : PaymentFixture(AgoraMode.Distributed);

public sealed class EmbeddedTerminalAnswerTests(EmbeddedTerminalAnswerFixture fixture)
    : TerminalAnswerBehaviour(fixture), IClassFixture<EmbeddedTerminalAnswerFixture>;

public sealed class DistributedTerminalAnswerTests(DistributedTerminalAnswerFixture fixture)
    : TerminalAnswerBehaviour(fixture), IClassFixture<DistributedTerminalAnswerFixture>;
