using System.Net;
using System.Text.Json.Nodes;
using Agora.Ordering.Infrastructure;
using Agora.Ordering.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Agora.Ordering.Tests.Infrastructure.OrderingFixture;

namespace Agora.Ordering.Tests;

/// <summary>
/// The saga's answers go through Ordering's durable inbox, so one that fails every retry is kept as a dead letter staff
/// can replay, in both modes. Issue 16 tried RabbitMQ's own acknowledgements instead of the inbox (Wolverine's
/// <c>ProcessInParallelWithNativeAcks</c>; the saga's handlers are idempotent): 17 fewer PostgreSQL transactions per
/// order, but this test found the failing answer lost. Wolverine 6.62's RabbitMQ listener always takes its native
/// dead-letter path, and a queue dead-lettered to Wolverine's storage has no dead-letter exchange, so the broker drops it.
/// </summary>
public abstract partial class OrderingBehaviour
{
    [Fact]
    public async Task An_answer_failing_every_retry_is_dead_lettered_and_can_be_replayed()
    {
        var customer = Orders.NewCustomer();
        var id = await PlaceAsync(customer, [(Kettle, 1)]);
        var client = App.CustomerClient(customer);

        // Every commit of the stock reservation's answer fails (a bug in the handler, say), retries included.
        bool IsReservation(DbContext db) => db.ChangeTracker.Entries<StoredEvent>()
            .Any(e => e.State == EntityState.Added && e.Entity.StreamId == id && e.Entity.Type == "stock_reserved");
        Func<Task> poison = null!;
        poison = () =>
        {
            App.Saves.Arm(IsReservation, poison);
            throw new InvalidOperationException("the stock reservation's answer cannot be handled (test)");
        };
        App.Saves.Arm(IsReservation, poison);
        JsonNode deadLetter;
        try
        {
            deadLetter = await Poll.UntilFoundAsync(() => DeadLetterAboutAsync(id), "the answer in Ordering's dead letters", OrderingApp.Patience);
        }
        finally
        {
            App.Saves.Arm(_ => false, () => Task.CompletedTask);
        }

        Assert.Contains("StockReservedForOrder", (string?)deadLetter["message_type"], StringComparison.Ordinal);
        Assert.Contains("cannot be handled (test)", deadLetter.ToJsonString(), StringComparison.Ordinal);

        // Fixed, the message is replayed from the dead letters (taken back into the inbox and handled); the order ends.
        var admin = App.AdminClient();
        var replay = await admin.PostAsync($"/api/v1/admin/dead-letters/{deadLetter["id"]}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        await Poll.UntilAsync(async () => (await admin.GetAsync($"/api/v1/admin/dead-letters/{deadLetter["id"]}")).StatusCode == HttpStatusCode.NotFound,
            "the replayed answer gone from the dead letters", OrderingApp.Patience);
        await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        // The only errors logged were the failing handler's own.
        Assert.All(App.Failures.FailuresSince(_failuresBefore), f => Assert.Contains("cannot be handled (test)", f.ToString(), StringComparison.Ordinal));
    }

    private async Task<JsonNode?> DeadLetterAboutAsync(string orderId)
    {
        var admin = App.AdminClient();
        foreach (var summary in (await Orders.DataAsync(admin, "/api/v1/admin/dead-letters?per_page=100")).AsArray())
        {
            var detail = await Orders.DataAsync(admin, $"/api/v1/admin/dead-letters/{summary!["id"]}");
            if (detail["message"]?.ToJsonString().Contains(orderId, StringComparison.Ordinal) == true)
            {
                return detail;
            }
        }

        return null;
    }
}
