using System.Net;
using System.Text.Json.Nodes;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// The order saga when things go wrong, across the real processes the AppHost started: a declined card, a parcel no
/// carrier takes, a race for the last unit, Payment's process killed mid-saga, the payment provider down, and a message
/// that fails every retry. Each test uses its own customers and products, and ends with the shop's invariants
/// (<see cref="ShopOperator.AssertInvariantsAsync"/>).
/// </summary>
public abstract class OrderFailureTests(AppHostFixture fixture)
{
    [Fact]
    public async Task PaymentDeclined_StockReleased_OrderCancelled_CustomerEmailed()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var customer = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(10);
        await op.TrackStockAsync(product);
        await op.SetPspAsync(new JsonObject { ["decline_customers"] = new JsonArray(customer.UserId) });

        var id = op.Track(await customer.PlaceOrderAsync(product, 2));
        var order = await customer.WaitForSagaEndAsync(id);

        Assert.True((string?)order["status"] == "cancelled", order.ToJsonString());
        Assert.Contains("declined", (string?)order["reason"]);
        Assert.Equal("declined", (string?)order["payment"]!["status"]);
        var email = await op.WaitForEmailAsync(customer.Email!, $"Payment for order {id} failed");
        Assert.Contains(id, (string?)email["text"]);
        await op.WaitForMessageAsync("sms", customer.UserId!, m => ((string?)m["text"] ?? "").Contains(id, StringComparison.Ordinal), null,
            "an SMS about the failed payment");
        await op.WaitForEmailAsync(customer.Email!, $"Your order {id} was cancelled");
        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task ShipmentFails_PaymentReturned_StockReleased_OrderCancelled()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var customer = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(11);
        await op.TrackStockAsync(product);

        // 00000: no carrier serves it, so Shipping answers ShipmentFailed after the payment was authorized.
        var id = op.Track(await customer.PlaceOrderAsync(product, 1, postalCode: "00000"));
        var order = await customer.WaitForSagaEndAsync(id);

        Assert.True((string?)order["status"] == "cancelled", order.ToJsonString());
        Assert.Contains("not serviceable", (string?)order["reason"]);
        // Authorized, never captured: the hold is voided (a refund is for money already taken).
        Assert.Equal("voided", (string?)order["payment"]!["status"]);
        var history = (await customer.GetDataAsync("ordering", $"/api/v1/orders/{id}/events")).AsArray().Select(e => (string?)e!["type"]).ToList();
        Assert.Contains("payment_authorized", history);
        Assert.Contains("stock_released", history);
        Assert.Equal("order_cancelled", history[^1]);
        var authorizations = await op.PspAuthorizationsAsync(id);
        Assert.Equal("voided", (string?)Assert.Single(authorizations)!["status"]);
        await op.WaitForEmailAsync(customer.Email!, $"Your order {id} was cancelled");
        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task SameIdempotencyKeyTwice_MakesOneOrder()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var customer = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(12);
        await op.TrackStockAsync(product);

        var key = Guid.NewGuid().ToString();
        var first = await customer.PostOrderAsync(product, 1, idempotencyKey: key);
        var second = await customer.PostOrderAsync(product, 1, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.True(second.Status is HttpStatusCode.Created or HttpStatusCode.OK, second.Body.ToJsonString());
        var id = op.Track((string)first.Body["data"]!["id"]!);
        Assert.Equal(id, (string?)second.Body["data"]!["id"]);
        await customer.WaitForSagaEndAsync(id);
        var mine = await customer.GetDataAsync("ordering", "/api/v1/orders");
        Assert.Equal(id, (string?)Assert.Single(mine.AsArray())!["id"]);
        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task TwoCustomersRaceForTheLastUnit_ExactlyOneWins()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var first = await ShopClient.RegisterAsync(fixture);
        using var second = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(13, stock: 1);
        await op.TrackStockAsync(product);

        var ids = await Task.WhenAll(first.PlaceOrderAsync(product, 1), second.PlaceOrderAsync(product, 1));
        var orders = await Task.WhenAll(first.WaitForSagaEndAsync(op.Track(ids[0])), second.WaitForSagaEndAsync(op.Track(ids[1])));

        var statuses = orders.Select(o => (string?)o["status"]).Order().ToList();
        Assert.True(statuses.SequenceEqual(["cancelled", "confirmed"]), string.Join("\n", orders.Select(o => o.ToJsonString())));
        Assert.Contains("insufficient stock", (string?)orders.Single(o => (string?)o["status"] == "cancelled")["reason"]);
        var stock = await op.Admin.GetDataAsync("catalog", $"/api/v1/products/{product}/inventory");
        Assert.Equal(0, (int)stock["available"]!);
        Assert.Equal(0, (int)stock["reserved"]!);
        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task PaymentKilledMidSaga_OrderCompletesAfterRestart_ChargedOnce()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var customer = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(14);
        await op.TrackStockAsync(product);
        // The provider takes 5 s to answer, so Payment is in the middle of authorizing when it dies.
        await op.SetPspAsync(new JsonObject { ["latency_ms"] = 5000 });

        var id = op.Track(await customer.PlaceOrderAsync(product, 1));
        await customer.WaitForOrderAsync(id, o => (string?)o["saga"]!["state"] == "authorize_payment");
        await WaitForProviderCallAsync(op, id);
        await op.StopServiceAsync("payment");
        await op.SetPspAsync(new JsonObject());
        await op.StartServiceAsync("payment");

        var order = await customer.WaitForSagaEndAsync(id, TimeSpan.FromSeconds(120));
        Assert.True((string?)order["status"] == "confirmed", order.ToJsonString());
        var authorization = Assert.Single(await op.PspAuthorizationsAsync(id));
        Assert.Equal("captured", (string?)authorization!["status"]);
        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task ProviderOutage_OrderAcceptedAsPaymentPending_PaidAfterRecovery()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var customer = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(15);
        await op.TrackStockAsync(product);
        await op.SetPspAsync(new JsonObject { ["outage"] = true });
        try
        {
            var id = op.Track(await customer.PlaceOrderAsync(product, 1));
            var pending = await customer.WaitForOrderAsync(id, o => (string?)o["status"] == "payment_pending", TimeSpan.FromSeconds(60));
            Assert.Equal("authorize_payment", (string?)pending["saga"]!["state"]);
            var held = await op.Admin.GetDataAsync("catalog", $"/api/v1/products/{product}/inventory");
            Assert.True((int)held["reserved"]! >= 1, held.ToJsonString()); // the stock stays held while payment waits

            await op.SetPspAsync(new JsonObject());
            var order = await customer.WaitForSagaEndAsync(id, TimeSpan.FromSeconds(150));
            Assert.True((string?)order["status"] == "confirmed", order.ToJsonString());
            await op.WaitForEmailAsync(customer.Email!, $"Your order {id} is confirmed");
        }
        finally
        {
            await op.SetPspAsync(new JsonObject());
        }

        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task MessageFailingEveryRetry_IsDeadLettered_ThenReplayedAfterTheFix()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var customer = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(16);
        await op.TrackStockAsync(product);
        // The mail server refuses everything (451): Notification's handler for OrderConfirmed fails all six attempts.
        await op.SetInboxRefusingAsync(true);
        JsonNode deadLetter;
        string id;
        try
        {
            id = op.Track(await customer.PlaceOrderAsync(product, 1));
            var order = await customer.WaitForSagaEndAsync(id);
            Assert.True((string?)order["status"] == "confirmed", order.ToJsonString());
            deadLetter = await WaitForDeadLetterAsync(op, "notification", id);
            Assert.Contains("OrderConfirmed", (string?)deadLetter["message_type"]);
            Assert.Equal(6, (int)deadLetter["attempts"]!);
            Assert.Empty(await op.InboxAsync("email", customer.Email!));
        }
        finally
        {
            await op.SetInboxRefusingAsync(false);
        }

        var (status, body, _) = await op.Admin.SendAsync(HttpMethod.Post, "notification", $"/api/v1/admin/dead-letters/{deadLetter["id"]}/replay");
        Assert.True(status == HttpStatusCode.Accepted, body.ToJsonString());

        await op.WaitForEmailAsync(customer.Email!, $"Your order {id} is confirmed");
        var (gone, _, _) = await op.Admin.SendAsync(HttpMethod.Get, "notification", $"/api/v1/admin/dead-letters/{deadLetter["id"]}");
        Assert.Equal(HttpStatusCode.NotFound, gone);
        var notifications = await customer.GetDataAsync("notification", "/api/v1/notifications");
        Assert.Contains(notifications.AsArray(), n => (string?)n!["order_id"] == id && (string?)n["status"] == "sent");
        await op.AssertInvariantsAsync();
    }

    /// <summary>Waits until the provider has the order's authorization request (Payment is now waiting for its answer).</summary>
    private static Task WaitForProviderCallAsync(ShopOperator op, string orderId) =>
        Poll.UntilAsync(async () => (await op.PspAuthorizationsAsync(orderId)).Count > 0, $"Payment to call the provider for {orderId}",
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));

    /// <summary>Waits for a dead letter in <paramref name="service"/> whose message mentions <paramref name="orderId"/>.</summary>
    private static Task<JsonNode> WaitForDeadLetterAsync(ShopOperator op, string service, string orderId) =>
        Poll.UntilFoundAsync(async () =>
        {
            var list = await op.Admin.GetDataAsync(service, "/api/v1/admin/dead-letters?per_page=100");
            foreach (var summary in list.AsArray())
            {
                var detail = await op.Admin.GetDataAsync(service, $"/api/v1/admin/dead-letters/{summary!["id"]}");
                if (detail["message"]?.ToJsonString().Contains(orderId, StringComparison.Ordinal) == true)
                {
                    return detail;
                }
            }

            return null;
        }, $"a dead letter in {service} for {orderId}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
}

[Collection(AppHostCollection.Name)]
public sealed class EmbeddedOrderFailureTests(EmbeddedAppHostFixture fixture) : OrderFailureTests(fixture);

[Collection(DistributedAppHostCollection.Name)]
public sealed class DistributedOrderFailureTests(DistributedAppHostFixture fixture) : OrderFailureTests(fixture);
