using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Agora.EndToEnd.Tests.Web;

/// <summary>
/// The storefront's order page when things go wrong, in real chromium against the embedded AppHost: a PSP outage (the
/// simulator's admin API) shows the order awaiting payment and recovery completes it on the open page; the history and
/// its time travel; cancelling while the order waits; and another customer's order is a not-found page. Waits are
/// Playwright's auto-waiting assertions, never sleeps.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed partial class StorefrontOrderTests(EmbeddedAppHostFixture fixture)
{
    /// <summary>Reaching payment_pending takes the PSP client's retries first.</summary>
    private static readonly LocatorAssertionsToHaveAttributeOptions PendingTimeout = new() { Timeout = 90_000 };

    /// <summary>After the outage the saga retries payment on its back-off, then ships, captures and commits.</summary>
    private static readonly LocatorAssertionsToHaveAttributeOptions RecoveryTimeout = new() { Timeout = 150_000 };

    [GeneratedRegex("/orders/(ord_[0-9a-f]+)$")]
    private static partial Regex OrderUrl();

    [Fact]
    public async Task PspOutage_ShowsTheOrderAwaitingPayment_AndRecoveryCompletesIt_OnTheOpenPage_WithItsHistoryToTravelIn()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var customer = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(48, stock: 20);
        await op.TrackStockAsync(product);
        await using var shop = await Storefront.OpenAsync();
        var page = shop.Page;
        await shop.SignInAsync(customer.Email!, ShopClient.NewCustomerPassword);

        await op.SetPspAsync(new JsonObject { ["outage"] = true });
        try
        {
            op.Track(await PlaceOrderAsync(shop, product));
            var status = page.GetByTestId("order-status");
            await Expect(status).ToHaveAttributeAsync("data-status", "payment_pending", PendingTimeout);
            await Expect(status).ToHaveTextAsync("Awaiting payment");
            await Expect(page.GetByTestId("cancel-order")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("timeline-event").Filter(new() { HasText = "Payment pending" })).ToBeVisibleAsync();
            await shop.AssertAccessibleAsync("order awaiting payment");

            // Time travel: the order as it was right after it was placed, then back to now.
            await page.GetByTestId("timeline-event").First.GetByTestId("travel").ClickAsync();
            await Expect(page.GetByTestId("as-of")).ToContainTextAsync("version 1");
            await Expect(status).ToHaveAttributeAsync("data-status", "pending");
            await Expect(page.GetByTestId("order-steps").Locator("li.done")).ToHaveCountAsync(1);
            await Expect(page.GetByTestId("cancel-order")).ToHaveCountAsync(0);
            await shop.AssertAccessibleAsync("order as it was");
            await page.GetByTestId("back-to-now").ClickAsync();
            await Expect(page.GetByTestId("as-of")).ToHaveCountAsync(0);
            await Expect(status).ToHaveAttributeAsync("data-status", "payment_pending");

            // The PSP is back: the same page, never reloaded, follows the saga to the end.
            await op.SetPspAsync(new JsonObject());
            await Expect(status).ToHaveAttributeAsync("data-status", "confirmed", RecoveryTimeout);
            await Expect(page.GetByTestId("order-steps").Locator("li.done")).ToHaveCountAsync(6);
            await Expect(page.GetByTestId("timeline-event").Filter(new() { HasText = "Order confirmed" })).ToBeVisibleAsync();
            await Expect(page.GetByTestId("cancel-order")).ToHaveCountAsync(0);
        }
        finally
        {
            await op.SetPspAsync(new JsonObject());
        }

        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Customer_CancelsAnOrderAwaitingPayment_AndThePageShowsItCancelled()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var customer = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(49, stock: 20);
        await op.TrackStockAsync(product);
        await using var shop = await Storefront.OpenAsync();
        var page = shop.Page;
        await shop.SignInAsync(customer.Email!, ShopClient.NewCustomerPassword);

        await op.SetPspAsync(new JsonObject { ["outage"] = true });
        try
        {
            var id = op.Track(await PlaceOrderAsync(shop, product));
            var status = page.GetByTestId("order-status");
            await Expect(status).ToHaveAttributeAsync("data-status", "payment_pending", PendingTimeout);

            await page.GetByTestId("cancel-order").ClickAsync();
            await Expect(status).ToHaveAttributeAsync("data-status", "cancelled", PendingTimeout);
            await Expect(page.GetByTestId("order-reason")).ToContainTextAsync("cancelled by customer");
            await Expect(page.GetByTestId("cancel-order")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("timeline-event").Filter(new() { HasText = "Order cancelled" })).ToBeVisibleAsync();
            await shop.AssertAccessibleAsync("cancelled order");
            var order = await customer.GetDataAsync("ordering", "/api/v1/orders/" + id);
            Assert.Equal("cancelled", (string?)order["status"]);
        }
        finally
        {
            await op.SetPspAsync(new JsonObject());
        }

        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task AnotherCustomersOrder_IsANotFoundPage_ShowingNothingOfIt()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var other = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(44, stock: 20);
        await op.TrackStockAsync(product);
        var id = op.Track(await other.PlaceOrderAsync(product, 1));
        var productName = (string)(await op.Admin.GetDataAsync("catalog", "/api/v1/products/" + product))["name"]!;

        await using var shop = await Storefront.OpenAsync();
        var page = shop.Page;
        await shop.SignInAsync("customer@agora.local", Agora.Hosting.DemoSecrets.CustomerPassword);
        var response = await page.GotoAsync("/orders/" + id);
        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Not found");
        await Expect(page.GetByTestId("order-status")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("timeline")).ToHaveCountAsync(0);
        await Expect(page.Locator("main")).Not.ToContainTextAsync(productName);
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Teheran-ro");
        await shop.AssertAccessibleAsync("another customer's order");

        // Its owner sees it.
        var mine = await other.GetDataAsync("ordering", "/api/v1/orders/" + id);
        Assert.Equal(id, (string?)mine["id"]);
        await other.WaitForSagaEndAsync(id, TimeSpan.FromSeconds(90));
        await op.AssertInvariantsAsync();
    }

    /// <summary>One unit of <paramref name="product"/> through the cart and the checkout; the order's id from the page it lands on.</summary>
    private static async Task<string> PlaceOrderAsync(Storefront shop, string product)
    {
        var page = shop.Page;
        await page.GotoAsync("/products/" + product);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByTestId("added")).ToBeVisibleAsync();
        await page.GotoAsync("/checkout");
        await shop.FillNewAddressAsync();
        await page.GetByTestId("place-order").ClickAsync();
        await page.WaitForURLAsync(OrderUrl());
        return OrderUrl().Match(page.Url).Groups[1].Value;
    }
}
