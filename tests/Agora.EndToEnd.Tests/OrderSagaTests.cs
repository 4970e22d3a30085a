using System.Net;

namespace Agora.EndToEnd.Tests;

/// <summary>The order saga across the real services the AppHost started (failures: <see cref="OrderFailureTests"/>).</summary>
public abstract class OrderSagaTests(AppHostFixture fixture)
{
    [Fact]
    public async Task PlaceOrder_MoreThanInStock_IsCancelled_NothingReserved()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var shop = await ShopClient.SignInAsync(fixture, "customer@agora.local", "Customer!2345");
        var product = await op.ProductAsync(5, stock: 3);
        var before = await op.TrackStockAsync(product);

        var id = op.Track(await shop.PlaceOrderAsync(product, 4));

        var order = await shop.WaitForOrderAsync(id, o => (string?)o["status"] == "cancelled");
        Assert.Contains("insufficient stock", (string?)order["reason"]);
        Assert.Equal(before.ToJsonString(), (await shop.GetDataAsync("catalog", $"/api/v1/products/{product}/inventory")).ToJsonString());
        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task PlaceOrder_ThroughEveryService_IsConfirmed_StockSold_PaymentCaptured_ShipmentBooked_CustomerEmailed()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var shop = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(3);
        var before = await op.TrackStockAsync(product);
        var (status, body, _) = await shop.PostOrderAsync(product, 2);
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        var id = op.Track((string)body["data"]!["id"]!);

        var order = await shop.WaitForSagaEndAsync(id);

        Assert.True((string?)order["status"] == "confirmed", order.ToJsonString());
        var after = await shop.GetDataAsync("catalog", $"/api/v1/products/{product}/inventory");
        Assert.Equal((int)before["available"]! - 2, (int)after["available"]!);
        Assert.Equal((int)before["reserved"]!, (int)after["reserved"]!);
        Assert.Equal("captured", (string?)order["payment"]!["status"]);
        Assert.StartsWith("KR", (string?)order["shipment"]!["tracking_number"]);
        var history = (await shop.GetDataAsync("ordering", $"/api/v1/orders/{id}/events")).AsArray().Select(e => (string?)e!["type"]).ToList();
        Assert.Equal(["order_placed", "stock_reserved", "payment_authorized", "shipment_created", "payment_captured", "stock_committed", "order_confirmed"],
            history.Where(t => t != "step_retried"));
        var email = await op.WaitForEmailAsync(shop.Email!, $"Your order {id} is confirmed");
        Assert.Contains(id, (string?)email["html"]);
        await op.AssertInvariantsAsync();
    }
}

[Collection(AppHostCollection.Name)]
public sealed class EmbeddedOrderSagaTests(EmbeddedAppHostFixture fixture) : OrderSagaTests(fixture);

[Collection(DistributedAppHostCollection.Name)]
public sealed class DistributedOrderSagaTests(DistributedAppHostFixture fixture) : OrderSagaTests(fixture);
