using Agora.Contracts.Orders;
using Agora.Hosting;
using Agora.Payment.Infrastructure;
using Agora.Payment.Tests.Infrastructure;
using static Agora.Payment.Tests.Infrastructure.FakeOrdering;

namespace Agora.Payment.Tests;

/// <summary>
/// The provider down or slow (guide §10.4): orders are still accepted, the payment waits as pending and Payment takes
/// it when the provider is back, through its own durable retries; no money is held twice, nothing is dead-lettered.
/// Each class has its own simulator, since these tests break it. Attempts time out after 500 ms here.
/// </summary>
public abstract class OutageBehaviour(OutageFixture fixture)
{
    private PaymentApp App => fixture.App;
    private PspSimulatorHost Psp => fixture.Psp;
    private FakeOrdering Ordering => fixture.Ordering;

    private static AuthorizePayment Authorize(string orderId) =>
        new(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, "usr_patient", 70_000m, "KRW");

    [Fact]
    public async Task Authorize_ProviderDown_PendingOnceThenAuthorizedWhenItIsBack()
    {
        var orderId = "ord_" + Guid.NewGuid().ToString("N");
        await Psp.SetAsync(new { outage = true });
        PaymentPending pending;
        try
        {
            await Ordering.SendAsync(Authorize(orderId));
            pending = await WaitForAsync<PaymentPending>(orderId);
            Assert.Contains("unavailable", pending.Reason, StringComparison.Ordinal);
            Assert.Equal(PaymentStatus.Pending, (await App.StoredAsync(orderId))!.Status);

            // Durable retries keep going while it is down, without telling Ordering again.
            await Eventually.Async(() => App.StoredAsync(orderId), p => p.Operations.Single().Attempts >= 3, TimeSpan.FromSeconds(30),
                "three durable attempts");
        }
        finally
        {
            await Psp.HealthyAsync();
        }

        var authorized = await WaitForAsync<PaymentAuthorized>(orderId, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(pending.PaymentId, authorized.PaymentId);
        await Task.Delay(1000);
        var answers = AnswersFor(orderId);
        Assert.Single(answers.OfType<PaymentPending>());
        Assert.Single(answers.OfType<PaymentAuthorized>());
        Assert.Equal(authorized.PspReference, (string?)Assert.Single(await Psp.AuthorizationsAsync(orderId))!["id"]);
        Assert.Equal(PaymentStatus.Authorized, (await App.StoredAsync(orderId))!.Status);
        Assert.Empty(await App.DeadLettersAsync());
    }

    [Fact]
    public async Task Void_WhileProviderDown_VoidedAtOnceAndNothingHeldWhenItIsBack()
    {
        var orderId = "ord_" + Guid.NewGuid().ToString("N");
        await Psp.SetAsync(new { outage = true });
        try
        {
            await Ordering.SendAsync(Authorize(orderId));
            var pending = await WaitForAsync<PaymentPending>(orderId);
            await Ordering.SendAsync(new VoidPayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, "customer gave up"));
            var voided = await WaitForAsync<PaymentVoided>(orderId);
            Assert.Equal(pending.PaymentId, voided.PaymentId);
        }
        finally
        {
            await Psp.HealthyAsync();
        }

        // The void asks the provider for any hold an unanswered attempt made, once it answers again.
        var stored = await Eventually.Async(() => App.StoredAsync(orderId),
            p => p.Operation(OperationKind.Void)?.Status == OperationStatus.Succeeded, TimeSpan.FromSeconds(30), "the void to reach the provider");
        Assert.Equal(PaymentStatus.Voided, stored.Status);
        Assert.Equal(OperationStatus.Cancelled, stored.Operation(OperationKind.Authorize)!.Status);
        Assert.DoesNotContain(await Psp.AuthorizationsAsync(orderId), a => (string?)a!["status"] == "authorized");
        Assert.DoesNotContain(AnswersFor(orderId), a => a is PaymentAuthorized);
        Assert.Empty(await App.DeadLettersAsync());
    }

    [Fact]
    public async Task Authorize_AnswersLostToTimeouts_RetriesReplayTheOneAuthorization()
    {
        // The provider does the work and answers after 1.5 s; every attempt gives up at 0.5 s. The first attempt
        // charged; every later one, with the same key, must find that charge rather than make another.
        var orderId = "ord_" + Guid.NewGuid().ToString("N");
        await Psp.SetAsync(new { latency_ms = 1500 });
        try
        {
            await Ordering.SendAsync(Authorize(orderId));
            await WaitForAsync<PaymentPending>(orderId);
            Assert.Single(await Psp.AuthorizationsAsync(orderId));
        }
        finally
        {
            await Psp.HealthyAsync();
        }

        var authorized = await WaitForAsync<PaymentAuthorized>(orderId, timeout: TimeSpan.FromSeconds(30));
        var hold = Assert.Single(await Psp.AuthorizationsAsync(orderId));
        Assert.Equal((string)hold!["id"]!, authorized.PspReference);
    }
}

/// <summary>A simulator and Payment of their own; attempts time out after 500 ms so a slow provider test is quick.</summary>
public abstract class OutageFixture(AgoraMode mode) : PaymentFixture(mode)
{
    protected override void Configure(PaymentApp app) => app.With("Payment:Psp:AttemptTimeout", "00:00:00.500");
}

public sealed class EmbeddedOutageFixture() : OutageFixture(AgoraMode.Embedded);

public sealed class DistributedOutageFixture() : OutageFixture(AgoraMode.Distributed);

public sealed class EmbeddedOutageTests(EmbeddedOutageFixture fixture) : OutageBehaviour(fixture), IClassFixture<EmbeddedOutageFixture>;

public sealed class DistributedOutageTests(DistributedOutageFixture fixture) : OutageBehaviour(fixture), IClassFixture<DistributedOutageFixture>;
