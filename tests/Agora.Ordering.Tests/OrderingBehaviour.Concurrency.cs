using System.Net;
using Agora.Contracts.Orders;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Saga;
using Agora.Ordering.Infrastructure;
using Agora.Ordering.Tests.Infrastructure;
using Agora.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Agora.Ordering.Tests.Infrastructure.OrderingFixture;

namespace Agora.Ordering.Tests;

/// <summary>Optimistic concurrency: one stream version, two writers; racing and repeated answers.</summary>
public abstract partial class OrderingBehaviour
{
    [Fact]
    public async Task Commit_SameStreamVersionFromTwoContexts_SecondFailsWithStreamConcurrencyException()
    {
        var (customer, id) = await PlaceAsync([(Kettle, 1)]);
        var client = App.CustomerClient(customer);
        var confirmed = await WaitAsync(client, id, o => Orders.Status(o) == "confirmed", "the order confirmed");
        var version = (int)confirmed["version"]!;

        // Two handlers of one ShipmentDispatched (a redelivery) load the order at the same version.
        await using var scopeA = App.Services.CreateAsyncScope();
        await using var scopeB = App.Services.CreateAsyncScope();
        var a = scopeA.ServiceProvider.GetRequiredService<OrderProcessor>();
        var b = scopeB.ServiceProvider.GetRequiredService<OrderProcessor>();
        var orderA = (await a.LoadAsync(id, CancellationToken.None))!;
        var orderB = (await b.LoadAsync(id, CancellationToken.None))!;
        var dispatched = new ShipmentDispatched(Guid.NewGuid(), DateTimeOffset.UtcNow, id, "shp_x", "cj-logistics", "KR000000001");

        await a.CommitAsync(orderA, OrderSaga.Decide(orderA, dispatched, a.Now), CancellationToken.None);
        var lost = await Assert.ThrowsAsync<StreamConcurrencyException>(
            () => b.CommitAsync(orderB, OrderSaga.Decide(orderB, dispatched, b.Now), CancellationToken.None));
        Assert.Equal((id, version), (lost.StreamId, lost.ExpectedVersion));

        var order = await Orders.DataAsync(client, $"/api/v1/orders/{id}");
        Assert.Equal(("shipped", version + 1), (Orders.Status(order), (int)order["version"]!));
        Assert.Single(await Orders.EventTypesAsync(client, id), t => t == "order_shipped");
        await Poll.UntilAsync(() => Script.Of<OrderShipped>(id).Count == 1, "OrderShipped at the subscriber", OrderingApp.Patience);
        await Poll.StaysAsync(() => Script.Of<OrderShipped>(id).Count == 1, "one OrderShipped (the losing commit published nothing)", NothingMoreWindow);

        // The store itself: the unique (stream, version) index refuses a second event at the same version.
        await using var scopeC = App.Services.CreateAsyncScope();
        await using var scopeD = App.Services.CreateAsyncScope();
        var dbC = scopeC.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var dbD = scopeD.ServiceProvider.GetRequiredService<OrderingDbContext>();
        new EventStore(dbC).Append(id, version + 1, [new OrderEvent.InTransit(DateTimeOffset.UtcNow, "Daejeon hub")], null);
        new EventStore(dbD).Append(id, version + 1, [new OrderEvent.InTransit(DateTimeOffset.UtcNow, "Busan hub")], null);
        await dbC.SaveChangesAsync();
        var clash = await Assert.ThrowsAsync<DbUpdateException>(() => dbD.SaveChangesAsync());
        Assert.True(DbErrors.IsUniqueViolation(clash), clash.InnerException?.Message);
        var stream = await new EventStore(dbC).ReadStreamAsync(id);
        Assert.Equal(Enumerable.Range(1, version + 2), stream.Select(e => e.Version));
        Assert.Equal("Daejeon hub", Assert.IsType<OrderEvent.InTransit>(stream[^1].Event).Location);
    }

    [Fact]
    public async Task Answers_TwoRacingForOneOrder_OneAppliedOrderEndsConsistent()
    {
        var customer = Orders.NewCustomer();
        Script.QuietPaymentCustomers[customer] = 0; // Payment authorizes; its answer is late, and then comes twice at once
        var id = await PlaceAsync(customer, [(Kettle, 1)]);
        await Poll.UntilAsync(() => Script.Authorized(id), "the authorization at Payment", OrderingApp.Patience);

        using var bothDecided = new Barrier(2);
        async Task<bool> DeliverAsync(PaymentAuthorized answer, bool race)
        {
            await using var scope = App.Services.CreateAsyncScope();
            var processor = scope.ServiceProvider.GetRequiredService<OrderProcessor>();
            try
            {
                await processor.ApplyAsync(id, order =>
                {
                    var events = OrderSaga.Decide(order, answer, processor.Now);
                    if (race)
                    {
                        Assert.True(bothDecided.SignalAndWait(TimeSpan.FromSeconds(10)), "the other answer never got decided");
                    }

                    return events;
                }, CancellationToken.None);
                return true;
            }
            catch (StreamConcurrencyException)
            {
                return false;
            }
        }

        var answers = new[] { Script.HeldAuthorization(id), Script.HeldAuthorization(id) };
        var applied = await Task.WhenAll(answers.Select(a => Task.Run(() => DeliverAsync(a, race: true))));
        Assert.Contains(false, applied); // both decided on one version: at most one commit can win
        for (var i = 0; i < answers.Length; i++)
        {
            if (!applied[i])
            {
                Assert.True(await DeliverAsync(answers[i], race: false), "the retry on fresh state failed again"); // as Wolverine retries
            }
        }

        Script.QuietPaymentCustomers.TryRemove(customer, out _);
        var client = App.CustomerClient(customer);
        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("confirmed", Orders.Status(order));
        await AssertSagasSettledAsync();
        await AssertEveryStepOnceAsync(client, id, from: "create_shipment");
    }

    [Fact]
    public async Task Cancel_LosesEveryRace_AnswersConflictInTheEnvelope_OrderUnchanged_ThenCancelsOnceQuiet()
    {
        // Bug: after its fourth lost race in a row CancelOrder let StreamConcurrencyException escape: a 500 for a client.
        var customer = Orders.NewCustomer();
        Script.QuietPaymentCustomers[customer] = 0; // the saga waits at authorize_payment, cancellable
        var id = await PlaceAsync(customer, [(Kettle, 1)]);
        var client = App.CustomerClient(customer);
        await WaitAsync(client, id, o => Orders.Saga(o) == "authorize_payment", "the saga waiting for payment");
        var before = await Orders.DataAsync(client, $"/api/v1/orders/{id}");

        // Every attempt to commit the cancellation finds the stream moved on (another writer won).
        var lost = 0;
        bool IsCancellation(DbContext db) => db.ChangeTracker.Entries<StoredEvent>()
            .Any(e => e.State == EntityState.Added && e.Entity.StreamId == id && e.Entity.Type == "compensation_started");
        Func<Task> loseRace = null!;
        loseRace = () =>
        {
            Interlocked.Increment(ref lost);
            App.Saves.Arm(IsCancellation, loseRace);
            throw new StreamConcurrencyException(id, (int)before["version"]!);
        };
        App.Saves.Arm(IsCancellation, loseRace);
        var response = await client.PostAsync($"/api/v1/orders/{id}/cancel", null);
        App.Saves.Arm(_ => false, () => Task.CompletedTask);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("ORDER_BUSY", (string?)(await response.BodyAsync())["error"]!["code"]);
        Assert.True(response.Headers.RetryAfter?.Delta is { } delay && delay > TimeSpan.Zero, "Retry-After");
        Assert.True(lost > 1, $"the cancellation was tried again after a lost race ({lost} attempts)");
        var unchanged = await Orders.DataAsync(client, $"/api/v1/orders/{id}");
        Assert.Equal(((int)before["version"]!, "authorize_payment", false),
            ((int)unchanged["version"]!, Orders.Saga(unchanged), (bool)unchanged["saga"]!["compensating"]!));

        var again = await client.PostAsync($"/api/v1/orders/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal(("cancelled", "cancelled by customer"), (Orders.Status(order), (string?)order["reason"]));
    }

    [Fact]
    public async Task Cancel_LosesRaceToSagaAnswer_DecidesAgainAndSendsOnlyTheNewDecisionsCommands()
    {
        // Bug: CancelOrder retried a lost race with the same OrderProcessor, whose outbox still held the lost decision's
        // messages; the retry's commit sent them along (a VoidPayment before the shipment was cancelled, a stale timer).
        var customer = Orders.NewCustomer();
        Script.QuietPaymentCustomers[customer] = 0;
        Script.SilentShippingCustomers[customer] = 0; // keeps the order cancellable once the answer is in
        var id = await PlaceAsync(customer, [(Kettle, 1)]);
        var client = App.CustomerClient(customer);
        await Poll.UntilAsync(() => Script.Authorized(id), "the authorization at Payment", OrderingApp.Patience);
        await WaitAsync(client, id, o => Orders.Saga(o) == "authorize_payment", "the saga waiting for payment");

        // Just as the cancellation is about to commit, Payment's late answer commits first.
        App.Saves.Arm(
            db => db.ChangeTracker.Entries<StoredEvent>().Any(e => e.State == EntityState.Added && e.Entity.StreamId == id && e.Entity.Type == "compensation_started"),
            async () =>
            {
                await using var scope = App.Services.CreateAsyncScope();
                var processor = scope.ServiceProvider.GetRequiredService<OrderProcessor>();
                await processor.ApplyAsync(id, o => OrderSaga.Decide(o, Script.HeldAuthorization(id), processor.Now), CancellationToken.None);
            });
        var response = await client.PostAsync($"/api/v1/orders/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.BodyAsync())["data"]!;
        Assert.Equal("cancel_shipment", Orders.Saga(accepted)); // decided again on the state after the answer
        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal(("cancelled", "cancelled by customer"), (Orders.Status(order), (string?)order["reason"]));
        await AssertSagasSettledAsync();
        // Each step's timer fires one step timeout after its command, and is scheduled in Wolverine's store with real
        // time (it cannot be moved by a fake clock). A stale timer that resent a command would do so within that time,
        // so the commands are counted for a step timeout (plus a second of slack for a busy machine) after settling.
        await Poll.StaysAsync(async () =>
        {
            await AssertSentOncePerAttemptAsync(client, id, "cancel_shipment", "return_payment", "release_stock");
            return true;
        }, held => held, "each compensation sent once per attempt", OrderingApp.StepTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(["payment_authorized", "compensation_started", "shipment_cancelled", "payment_voided", "stock_released", "order_cancelled"],
            (await Orders.EventTypesAsync(client, id)).SkipWhile(t => t != "payment_authorized"));
    }

    [Fact]
    public async Task Answers_EachDeliveredThreeTimesAtOnce_EveryStepOnce()
    {
        var customer = Orders.NewCustomer();
        Script.DuplicatingCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Kettle, 1), (Mug, 1)]);
        var client = App.CustomerClient(customer);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("confirmed", Orders.Status(order));
        await AssertSagasSettledAsync();

        await AssertEveryStepOnceAsync(client, id);
        await Poll.StaysAsync(() => Script.Of<OrderConfirmed>(id).Count == 1, "one OrderConfirmed", NothingMoreWindow);
    }

    [Fact]
    public async Task SagaHandlers_ProcessorCommitsItsOwnTransaction_AnswerNotFailedAfterCommit()
    {
        // Bug: Wolverine's EF transaction middleware wrapped the saga handlers (OrderProcessor depends on the
        // DbContext), so after the processor had committed, marking the inbox envelope handled ran on a closed
        // connection: every answer and timer failed once, was logged as an error and retried as a no-op.
        var (customer, id) = await PlaceAsync([(Kettle, 1)]);
        var declined = Orders.NewCustomer();
        Script.DeclineCustomers[declined] = 0;
        var cancelled = await PlaceAsync(declined, [(Mug, 1)]);
        await WaitAsync(App.CustomerClient(customer), id, o => Orders.Status(o) == "confirmed", "the order confirmed");
        await WaitAsync(App.CustomerClient(declined), cancelled, o => Orders.Status(o) == "cancelled", "the declined order cancelled");

        Assert.Empty(App.Failures.FailuresSince(_failuresBefore).Select(f => f.ToString()));
        await AssertSagasSettledAsync();
    }
}
