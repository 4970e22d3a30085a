using System.Net;
using System.Text.Json.Nodes;

namespace Agora.EndToEnd.Tests;

/// <summary>The order saga across the real services the AppHost started.</summary>
public abstract class OrderSagaTests(AppHostFixture fixture)
{
    private static JsonObject Address(string postalCode = "06236") => new()
    {
        ["recipient"] = "Kim Minji", ["phone"] = "+82-10-1234-5678", ["line1"] = "123 Teheran-ro", ["city"] = "Seoul",
        ["postal_code"] = postalCode, ["country"] = "KR",
    };

    private static async Task<string> SomeProductAsync(ShopClient shop, int skip = 0)
    {
        var page = await shop.GetDataAsync("catalog", $"/api/v1/products?per_page=50&sort=price&status=active");
        return (string)page[skip]!["id"]!;
    }

    [Fact]
    public async Task PlaceOrder_MoreThanInStock_IsCancelled_NothingReserved()
    {
        using var shop = await ShopClient.SignInAsync(fixture, "customer@agora.local", "Customer!2345");
        var product = await SomeProductAsync(shop, 5);
        var before = await shop.GetDataAsync("catalog", $"/api/v1/products/{product}/inventory");
        var (status, body, _) = await shop.SendAsync(HttpMethod.Post, "ordering", "/api/v1/orders", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["product_id"] = product, ["quantity"] = Math.Min(100, (int)before["available"]! + 1) }),
            ["shipping_address"] = Address(),
        }, new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() });
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        if ((int)before["available"]! >= 100)
        {
            return; // the seed has more stock than one order line may ask for; nothing to show here
        }

        var order = await shop.WaitForOrderAsync((string)body["data"]!["id"]!, o => (string?)o["status"] == "cancelled");
        Assert.Contains("out of stock", (string?)order["reason"]);
        Assert.Equal(before.ToJsonString(), (await shop.GetDataAsync("catalog", $"/api/v1/products/{product}/inventory")).ToJsonString());
    }

    [Fact]
    public async Task PlaceOrder_ThroughEveryService_IsConfirmed_StockSold_PaymentCaptured_ShipmentBooked()
    {
        using var shop = await ShopClient.SignInAsync(fixture, "customer@agora.local", "Customer!2345");
        var product = await SomeProductAsync(shop, 3);
        var before = await shop.GetDataAsync("catalog", $"/api/v1/products/{product}/inventory");
        var (status, body, response) = await shop.SendAsync(HttpMethod.Post, "ordering", "/api/v1/orders", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["product_id"] = product, ["quantity"] = 2 }),
            ["shipping_address"] = Address(),
        }, new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() });
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        var id = (string)body["data"]!["id"]!;
        var order = await shop.WaitForOrderAsync(id, o => (string?)o["saga"]!["state"] is "completed" or "cancelled" or "failed",
            TimeSpan.FromSeconds(90));
        Assert.True((string?)order["status"] == "confirmed", order.ToJsonString());
        var after = await shop.GetDataAsync("catalog", $"/api/v1/products/{product}/inventory");
        Assert.Equal((int)before["available"]! - 2, (int)after["available"]!);
        Assert.Equal((int)before["reserved"]!, (int)after["reserved"]!);
        Assert.Equal("captured", (string?)order["payment"]!["status"]);
        Assert.StartsWith("KR", (string?)order["shipment"]!["tracking_number"]);
        var history = (await shop.GetDataAsync("ordering", $"/api/v1/orders/{id}/events")).AsArray().Select(e => (string?)e!["type"]).ToList();
        Assert.Equal(["order_placed", "stock_reserved", "payment_authorized", "shipment_created", "payment_captured", "stock_committed", "order_confirmed"],
            history.Where(t => t != "step_retried"));
    }
}

[Collection(AppHostCollection.Name)]
public sealed class EmbeddedOrderSagaTests(EmbeddedAppHostFixture fixture) : OrderSagaTests(fixture);

[Collection(DistributedAppHostCollection.Name)]
public sealed class DistributedOrderSagaTests(DistributedAppHostFixture fixture) : OrderSagaTests(fixture);
