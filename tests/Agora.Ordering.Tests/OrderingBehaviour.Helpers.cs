using System.Net;
using System.Text.Json.Nodes;
using Agora.Contracts.Orders;
using Agora.Ordering.Infrastructure;
using Agora.Ordering.Tests.Infrastructure;
using Agora.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Ordering.Tests;

/// <summary>Helpers and the invariants every saga test ends with.</summary>
public abstract partial class OrderingBehaviour
{
    /// <summary>
    /// How long a test watches for something that must not happen (a second announcement, a change from a repeated
    /// answer). Nothing announces that a message will never come, so this is a bounded wait (Poll.StaysAsync); a
    /// duplicate would be decided by the handler of the message already handled, well within it.
    /// </summary>
    internal static readonly TimeSpan NothingMoreWindow = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A confirmed order's history is the happy one, each step once, and each command went out once per attempt.
    /// </summary>
    private async Task AssertEveryStepOnceAsync(HttpClient client, string id, string from = "reserve_stock")
    {
        Assert.Equal(HappyHistory, await Orders.EventTypesAsync(client, id));
        string[] forward = ["reserve_stock", "authorize_payment", "create_shipment", "capture_payment", "commit_stock"];
        await AssertSentOncePerAttemptAsync(client, id, forward.SkipWhile(s => s != from).ToArray());
    }

    /// <summary>
    /// Each of <paramref name="steps"/> sent its command exactly once per attempt: once, plus once for every
    /// <c>step_retried</c> of that step. (A retry is the saga working: on a busy machine an answer can outlast the
    /// test-short step timeout. A command beyond that is one sent twice.)
    /// </summary>
    private async Task AssertSentOncePerAttemptAsync(HttpClient client, string id, params string[] steps)
    {
        var events = (await Orders.DataAsync(client, $"/api/v1/orders/{id}/events")).AsArray();
        foreach (var step in steps)
        {
            var attempts = 1 + events.Count(e => (string?)e!["type"] == "step_retried" && (string?)e["data"]!["step"] == step);
            var sent = step switch
            {
                "reserve_stock" => Script.Of<ReserveStockForOrder>(id).Count,
                "authorize_payment" => Script.Of<AuthorizePayment>(id).Count,
                "create_shipment" => Script.Of<CreateShipment>(id).Count,
                "capture_payment" => Script.Of<CapturePayment>(id).Count,
                "commit_stock" => Script.Of<CommitStockForOrder>(id).Count,
                "cancel_shipment" => Script.Of<CancelShipment>(id).Count,
                "return_payment" => Script.Of<VoidPayment>(id).Count + Script.Of<RefundPayment>(id).Count,
                "release_stock" => Script.Of<ReleaseStockForOrder>(id).Count,
                _ => throw new ArgumentOutOfRangeException(nameof(steps), step),
            };
            Assert.True(attempts == sent, $"{id} {step}: {sent} commands for {attempts} attempts");
        }
    }

    private async Task<(string Customer, string OrderId)> PlaceAsync(IEnumerable<(string, int)> items, string postalCode = "06236")
    {
        var customer = Orders.NewCustomer();
        return (customer, await PlaceAsync(customer, items, postalCode));
    }

    private async Task<string> PlaceAsync(string customer, IEnumerable<(string, int)> items, string postalCode = "06236")
    {
        var response = await Orders.PostAsync(App.CustomerClient(customer), Orders.Body(items, postalCode), Orders.NewKey());
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        var id = (string)JsonNode.Parse(body)!["data"]!["id"]!;
        _placed.Add((customer, id));
        return id;
    }

    private static Task<JsonNode> WaitAsync(HttpClient client, string id, Func<JsonNode, bool> until, string what, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => Orders.DataAsync(client, $"/api/v1/orders/{id}"), until, what + " (" + id + ")", timeout ?? OrderingApp.Patience, TimeSpan.FromMilliseconds(100));

    /// <summary>The body without <c>meta</c> (request id and time differ per response).</summary>
    private static async Task<JsonNode> WholeDataAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (JsonObject)await response.BodyAsync();
        body.Remove("meta");
        return body;
    }

    /// <summary>
    /// After a saga test: every order it placed reached an end (completed or cancelled), its read model equals its
    /// stream folded, and nothing is left hanging at the peers: each payment not declined was captured or voided,
    /// each reservation committed or released, and the outcome was announced.
    /// </summary>
    private async Task AssertSagasSettledAsync()
    {
        foreach (var (customer, id) in _placed)
        {
            var client = App.CustomerClient(customer);
            var order = await WaitAsync(client, id, Orders.IsSettled, "a terminal saga state");
            var version = (int)order["version"]!;
            var folded = await Orders.DataAsync(client, $"/api/v1/orders/{id}?version={version}");
            Assert.True(JsonNode.DeepEquals(order, folded), $"read model differs from the stream:\n{order.ToJsonString()}\n{folded.ToJsonString()}");
            var events = (await Orders.DataAsync(client, $"/api/v1/orders/{id}/events")).AsArray();
            Assert.Equal(Enumerable.Range(1, version), events.Select(e => (int)e!["version"]!));

            var status = Orders.Status(order);
            if (Orders.Saga(order) == "completed")
            {
                Assert.True(Script.Authorized(id), $"{id} completed without an authorization");
                await Poll.UntilAsync(() => Script.Of<CapturePayment>(id).Count > 0 && Script.Of<CommitStockForOrder>(id).Count > 0,
                    $"capture and stock commit of {id}", OrderingApp.Patience);
                await Poll.UntilAsync(() => Script.Of<OrderConfirmed>(id).Count > 0, $"OrderConfirmed of {id}", OrderingApp.Patience);
                Assert.Empty(Script.Of<VoidPayment>(id));
                Assert.Empty(Script.Of<ReleaseStockForOrder>(id));
            }
            else
            {
                Assert.Equal("cancelled", status);
                if (Script.Captured(id))
                {
                    await Poll.UntilAsync(() => Script.Of<RefundPayment>(id).Count > 0, $"the captured payment of cancelled {id} refunded", OrderingApp.Patience);
                }
                else
                {
                    await Poll.UntilAsync(() => Script.Of<AuthorizePayment>(id).Count == 0 || Script.Declined(id) || Script.Of<VoidPayment>(id).Count > 0,
                        $"the payment of cancelled {id} voided", OrderingApp.Patience);
                }

                await Poll.UntilAsync(() => !Script.Reserved(id) || Script.Of<ReleaseStockForOrder>(id).Count > 0,
                    $"the stock of cancelled {id} released", OrderingApp.Patience);
                await Poll.UntilAsync(() => Script.Of<OrderCancelled>(id).Count > 0, $"OrderCancelled of {id}", OrderingApp.Patience);
                Assert.False(Script.Committed(id), $"cancelled {id} had its stock sold");
                Assert.Empty(Script.Of<OrderConfirmed>(id));
            }

            Assert.True(status is "confirmed" or "shipped" or "delivered" or "cancelled", $"{id} ended {status}");
            await using (var scope = App.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<Agora.Ordering.Infrastructure.OrderingDbContext>();
                Assert.False(await db.Deadlines.AnyAsync(d => d.OrderId == id), $"{id} ended with a step timer left");
            }
        }

        // Nothing failed on the way, except lost races on a stream (EF logs the unique violation; the processor turns
        // it into StreamConcurrencyException, which is retried on fresh state by design).
        Assert.Empty(App.Failures.FailuresSince(_failuresBefore)
            .Where(f => f.Exception is not StreamConcurrencyException && !(f.Exception is DbUpdateException u && DbErrors.IsUniqueViolation(u)))
            .Select(f => f.ToString()));
    }
}
