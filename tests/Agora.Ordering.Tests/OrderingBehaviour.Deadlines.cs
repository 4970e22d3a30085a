using Agora.Contracts.Orders;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Saga;
using Agora.Ordering.Infrastructure;
using Agora.Ordering.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Agora.Ordering.Tests.Infrastructure.OrderingFixture;

namespace Agora.Ordering.Tests;

/// <summary>
/// The saga's step timers as rows it owns (<c>saga_deadlines</c>): a silent peer's step times out from its row, a
/// deadline of a step or attempt the order has moved past does nothing, and two pollers (two replicas) fire one
/// deadline once. The app's own poller runs on the real clock; these tests move a deadline an hour ahead (out of its
/// reach) and fire it with pollers on a FakeTimeProvider two hours ahead.
/// </summary>
public abstract partial class OrderingBehaviour
{
    private static readonly TimeSpan OutOfReach = TimeSpan.FromHours(1);

    [Fact]
    public async Task StepTimeout_PaymentNeverAnswers_FiredFromTheDeadlineRowRetriesTheStep()
    {
        var customer = Orders.NewCustomer();
        Script.SilentPaymentCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Mug, 1)]);
        var client = App.CustomerClient(customer);
        var (step, attempt) = await HoldDeadlineAsync(id, "authorize_payment");
        var sent = Script.Of<AuthorizePayment>(id).Count;

        var fired = await FireDueAheadAsync();

        Assert.True(fired >= 1, "the held deadline was due for the poller two hours ahead");
        Assert.Equal(1, await RetriesAsync(client, id, step, attempt + 1));
        await Poll.UntilAsync(() => Script.Of<AuthorizePayment>(id).Count > sent, "AuthorizePayment sent again from the deadline", OrderingApp.Patience);
        var next = await DeadlineAsync(id);
        Assert.NotNull(next);
        Assert.Equal(step, next.Step);
        Assert.True(next.Attempt > attempt, $"the retry's deadline (attempt {next.Attempt}) replaced attempt {attempt}'s");
        Assert.True(next.DueAt < DateTime.UtcNow + OutOfReach, "the retry waits its own step timeout on the app's clock");

        Script.SilentPaymentCustomers.TryRemove(customer, out _);
        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled once Payment answers");
        Assert.Equal("confirmed", Orders.Status(order));
        await AssertSagasSettledAsync();
    }

    [Fact]
    public async Task StepTimeout_TwoPollersAtOnce_FireTheDeadlineOnce()
    {
        var customer = Orders.NewCustomer();
        Script.SilentPaymentCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Kettle, 1)]);
        var client = App.CustomerClient(customer);
        var (step, attempt) = await HoldDeadlineAsync(id, "authorize_payment");

        // Two replicas' pollers (each its own scopes) see the same due deadline at the same moment.
        using var a = NewPoller();
        using var b = NewPoller();
        await Task.WhenAll(a.FireDueAsync(CancellationToken.None), b.FireDueAsync(CancellationToken.None));

        Assert.Equal(1, await RetriesAsync(client, id, step, attempt + 1));
        Script.SilentPaymentCustomers.TryRemove(customer, out _);
        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled once Payment answers");
        Assert.Equal("confirmed", Orders.Status(order));
        await AssertSentOncePerAttemptAsync(client, id, "authorize_payment");
        await AssertSagasSettledAsync();
    }

    [Fact]
    public async Task StepTimeout_DeadlineOfAStepTheOrderMovedPast_ChangesNothingAndIsRemoved()
    {
        // Mid-saga: the order waits for payment, its row names the stock reservation it has already made.
        var customer = Orders.NewCustomer();
        Script.SilentPaymentCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Mug, 2)]);
        var client = App.CustomerClient(customer);
        var (step, attempt) = await HoldDeadlineAsync(id, "authorize_payment");
        var version = await VersionAsync(client, id);
        var reserves = Script.Of<ReserveStockForOrder>(id).Count;
        await SetDeadlineAsync(id, SagaStep.ReserveStock, 1, DateTimeOffset.UtcNow + OutOfReach);

        await FireDueAheadAsync();

        Assert.Equal(version, await VersionAsync(client, id));
        Assert.Null(await DeadlineAsync(id));
        Assert.Equal(reserves, Script.Of<ReserveStockForOrder>(id).Count);

        // Of an attempt the step has moved past: the same.
        await SetDeadlineAsync(id, Enum.Parse<SagaStep>(step.Replace("_", "", StringComparison.Ordinal), ignoreCase: true), attempt - 1,
            DateTimeOffset.UtcNow + OutOfReach);
        await FireDueAheadAsync();
        Assert.Equal(version, await VersionAsync(client, id));
        Assert.Null(await DeadlineAsync(id));

        // The order's own deadline back (due now): the app's poller retries the step, and Payment answers.
        await SetDeadlineAsync(id, SagaStep.AuthorizePayment, attempt, DateTimeOffset.UtcNow);
        await Poll.UntilAsync(async () => await VersionAsync(client, id) > version, "the restored deadline fired", OrderingApp.Patience);
        Script.SilentPaymentCustomers.TryRemove(customer, out _);
        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled once Payment answers");
        Assert.Equal("confirmed", Orders.Status(order));

        // At its end: a deadline left over (none should be) does nothing to a confirmed order either.
        var ended = await VersionAsync(client, id);
        await SetDeadlineAsync(id, SagaStep.CommitStock, 1, DateTimeOffset.UtcNow + OutOfReach);
        await FireDueAheadAsync();
        Assert.Equal(ended, await VersionAsync(client, id));
        Assert.Null(await DeadlineAsync(id));
        await AssertSagasSettledAsync();
    }

    /// <summary>A poller of the app's deadlines on a fake clock two hours ahead: every held deadline is due for it.</summary>
    private SagaDeadlinePoller NewPoller() =>
        new(App.Services.GetRequiredService<IServiceScopeFactory>(), new FakeTimeProvider(DateTimeOffset.UtcNow + 2 * OutOfReach),
            App.Services.GetRequiredService<IOptions<SagaOptions>>(), NullLogger<SagaDeadlinePoller>.Instance);

    /// <summary>One batch of a poller two hours ahead; how many deadlines were due for it.</summary>
    private async Task<int> FireDueAheadAsync()
    {
        using var poller = NewPoller();
        return await poller.FireDueAsync(CancellationToken.None);
    }

    /// <summary>
    /// Waits for the order's deadline of <paramref name="step"/> and moves it an hour ahead, out of the app's poller's
    /// reach; only a deadline that is not due yet and not claimed (a claim moves it beyond one step timeout) is
    /// moved, in one statement, so the app's poller cannot be firing it meanwhile.
    /// </summary>
    private async Task<(string Step, int Attempt)> HoldDeadlineAsync(string id, string step)
    {
        var held = await Poll.UntilFoundAsync(async () =>
        {
            await using var scope = App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
            var (from, to) = (DateTime.UtcNow.AddMilliseconds(300), DateTime.UtcNow + OrderingApp.StepTimeout + TimeSpan.FromMilliseconds(500));
            var moved = await db.Deadlines.Where(d => d.OrderId == id && d.Step == step && d.DueAt > from && d.DueAt <= to)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.DueAt, DateTime.UtcNow + OutOfReach));
            return moved == 1 ? await db.Deadlines.AsNoTracking().SingleAsync(d => d.OrderId == id) : null;
        }, $"the {step} deadline of {id} held", OrderingApp.Patience, TimeSpan.FromMilliseconds(50));
        return (held.Step, held.Attempt);
    }

    private async Task SetDeadlineAsync(string id, SagaStep step, int attempt, DateTimeOffset due)
    {
        await using var scope = App.Services.CreateAsyncScope();
        await SagaDeadlines.SetAsync(scope.ServiceProvider.GetRequiredService<OrderingDbContext>(), id, step, attempt, due, CancellationToken.None);
    }

    private async Task<SagaDeadline?> DeadlineAsync(string id)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().Deadlines.AsNoTracking().SingleOrDefaultAsync(d => d.OrderId == id);
    }

    private static async Task<int> VersionAsync(HttpClient client, string id) => (int)(await Orders.DataAsync(client, $"/api/v1/orders/{id}"))["version"]!;

    /// <summary>How many <c>step_retried</c> events the order has for this step and attempt.</summary>
    private static async Task<int> RetriesAsync(HttpClient client, string id, string step, int attempt) =>
        (await Orders.DataAsync(client, $"/api/v1/orders/{id}/events")).AsArray()
            .Count(e => (string?)e!["type"] == "step_retried" && (string?)e["data"]!["step"] == step && (int?)e["data"]!["attempt"] == attempt);
}
