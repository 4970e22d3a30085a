using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Agora.EndToEnd.Tests.Web;

/// <summary>
/// The storefront against the distributed shop (PostgreSQL, RabbitMQ, Redis, mutual TLS between the services, TLS at the
/// gateway's edge): Identity's sign-in page is reached through the gateway's https edge, the web app calls the gateway
/// at https://localhost:8443 and Identity's back channel over mutual TLS, its cart lives in PostgreSQL, and the order
/// confirms through RabbitMQ, all seen from a real browser.
/// </summary>
[Collection(DistributedAppHostCollection.Name)]
public sealed partial class DistributedStorefrontTests(DistributedAppHostFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions SagaTimeout = new() { Timeout = 90_000 };

    [GeneratedRegex("/orders/(ord_[0-9a-f]+)$")]
    private static partial Regex OrderUrl();

    [Fact]
    public async Task Customer_SignsInAtTheTlsEdge_BuysAProduct_AndSeesTheOrderConfirmed()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        var product = await op.ProductAsync(48, stock: 20);
        await op.TrackStockAsync(product);

        await using var shop = await Storefront.OpenAsync(acceptTestCertificates: fixture.MutualTls);
        var page = shop.Page;
        await page.GotoAsync("/products/" + product);
        await Expect(page.GetByTestId("availability")).ToHaveTextAsync(new Regex("In stock|Only [0-9]+ left"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("1");

        await page.GotoAsync("/checkout");
        await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
        if (fixture.MutualTls)
        {
            // Identity's page as the gateway's TLS edge serves it (the browser never reaches Identity's own port).
            Assert.StartsWith(fixture.Endpoint("gateway").GetLeftPart(UriPartial.Authority) + "/", page.Url, StringComparison.Ordinal);
        }

        await shop.SignInAtIdentityAsync("customer@agora.local", Agora.Hosting.DemoSecrets.CustomerPassword);
        await page.WaitForURLAsync(url => url.EndsWith("/checkout", StringComparison.Ordinal));
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("1"); // the visitor's cart joined the customer's (PostgreSQL)
        await shop.FillNewAddressAsync();
        await page.GetByTestId("place-order").ClickAsync();
        await page.WaitForURLAsync(OrderUrl());
        op.Track(OrderUrl().Match(page.Url).Groups[1].Value);

        await Expect(page.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "confirmed", SagaTimeout);
        await shop.AssertAccessibleAsync("order (distributed)");
        await op.AssertInvariantsAsync();
    }
}
