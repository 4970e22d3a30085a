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
        var page = await shop.GetDataAsync("catalog", $"/api/v1/products?per_page=50&sort=price");
        return (string)page[skip]!["id"]!;
    }

    [Fact]
    public async Task PlaceOrder_ReservesStockInCatalog()
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
        var order = await shop.WaitForOrderAsync(id, o => (string?)o["status"] != "pending");
        var after = await shop.GetDataAsync("catalog", $"/api/v1/products/{product}/inventory");
        Assert.Equal((int)before["reserved"]! + 2, (int)after["reserved"]!);
        Assert.Equal("payment_pending", (string?)order["status"]);
    }
}

[Collection(AppHostCollection.Name)]
public sealed class EmbeddedOrderSagaTests(EmbeddedAppHostFixture fixture) : OrderSagaTests(fixture);

[Collection(DistributedAppHostCollection.Name)]
public sealed class DistributedOrderSagaTests(DistributedAppHostFixture fixture) : OrderSagaTests(fixture);
