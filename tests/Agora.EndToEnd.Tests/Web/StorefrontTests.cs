using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Agora.EndToEnd.Tests.Web;

/// <summary>
/// The storefront (src/Agora.Web, http://localhost:3000) in real chromium against the embedded AppHost the other
/// end-to-end tests share: a customer's way from the home page to a confirmed order and its email, a double click on
/// "Place order", and axe-core on every page on the way. Waits are Playwright's auto-waiting assertions and the
/// repository's Poll (through <see cref="ShopOperator"/>), never sleeps.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed partial class StorefrontTests(EmbeddedAppHostFixture fixture)
{
    /// <summary>The saga runs stock, payment, shipment, capture and commit: allow it a CI machine's minute.</summary>
    private static readonly LocatorAssertionsToHaveAttributeOptions SagaTimeout = new() { Timeout = 90_000 };

    [GeneratedRegex("/orders/(ord_[0-9a-f]+)$")]
    private static partial Regex OrderUrl();

    [Fact]
    public async Task Customer_BrowsesAddsTwoProducts_SignsIn_ChecksOut_AndSeesTheOrderConfirmed_WithItsEmail()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        var first = await op.ProductAsync(45, stock: 20);
        var second = await op.ProductAsync(46, stock: 20);
        await op.TrackStockAsync(first);
        await op.TrackStockAsync(second);
        var firstName = (string)(await op.Admin.GetDataAsync("catalog", "/api/v1/products/" + first))["name"]!;

        await using var shop = await Storefront.OpenAsync();
        var page = shop.Page;

        // Home: the categories; one category's products.
        await page.GotoAsync("/");
        var categories = page.GetByTestId("categories").GetByRole(AriaRole.Link);
        await Expect(categories.First).ToBeVisibleAsync();
        await shop.AssertAccessibleAsync("home");
        await categories.First.ClickAsync();
        await Expect(page.GetByTestId("product-link").First).ToBeVisibleAsync();
        await shop.AssertAccessibleAsync("category");

        // Search (the Search service through the gateway): the product by its name, highlighted, with category facets.
        await page.GetByLabel("Search products").FillAsync(firstName);
        await page.GetByLabel("Search products").PressAsync("Enter");
        await Expect(page.GetByTestId("hit-link").Filter(new() { HasText = firstName }).First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("hit-link").First.Locator("mark").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("facets").GetByRole(AriaRole.Link).First).ToBeVisibleAsync();
        await shop.AssertAccessibleAsync("search");

        // Two products into the cart, as a visitor.
        await page.GetByTestId("hit-link").Filter(new() { HasText = firstName }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = firstName })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("product-price")).ToHaveTextAsync(new Regex("^₩[0-9,]+$"));
        await Expect(page.GetByTestId("product-category")).Not.ToHaveTextAsync("Category");
        await Expect(page.GetByTestId("availability")).ToHaveTextAsync(new Regex("In stock|Only [0-9]+ left"));
        await shop.AssertAccessibleAsync("product");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByTestId("added")).ToBeVisibleAsync();
        await page.GotoAsync("/products/" + second);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("2");

        await page.GetByTestId("cart-link").ClickAsync();
        await Expect(page.GetByTestId("cart-line")).ToHaveCountAsync(2);
        await shop.AssertAccessibleAsync("cart");

        // Checkout needs a customer: Identity's login page, and back with the cart adopted.
        await page.GetByTestId("checkout").ClickAsync();
        await shop.SignInAtIdentityAsync("customer@agora.local", Agora.Hosting.DemoSecrets.CustomerPassword);
        await page.WaitForURLAsync(url => url.EndsWith("/checkout", StringComparison.Ordinal));
        await Expect(page.GetByTestId("signed-in-as")).Not.ToBeEmptyAsync();
        await Expect(page.GetByTestId("cart-count")).Not.ToHaveTextAsync("0");
        await shop.AssertAccessibleAsync("checkout");

        await shop.FillNewAddressAsync();
        await page.GetByTestId("place-order").ClickAsync();
        await page.WaitForURLAsync(OrderUrl());
        var orderId = OrderUrl().Match(page.Url).Groups[1].Value;
        op.Track(orderId);

        // The order page follows the saga by itself (server push over the circuit): no reload here.
        await Expect(page.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "confirmed", SagaTimeout);
        await Expect(page.GetByTestId("order-steps").Locator("li.done")).ToHaveCountAsync(6);
        await shop.AssertAccessibleAsync("order");

        await op.WaitForEmailAsync("customer@agora.local", $"Your order {orderId} is confirmed");

        await page.GotoAsync("/orders");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = orderId })).ToBeVisibleAsync();
        await shop.AssertAccessibleAsync("orders");
        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task NewCustomer_Registers_AndDoubleClickingPlaceOrder_MakesOneOrder()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        var product = await op.ProductAsync(47, stock: 20);
        await op.TrackStockAsync(product);

        await using var shop = await Storefront.OpenAsync();
        var page = shop.Page;
        await page.GotoAsync("/products/" + product);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("1");

        // Registration (Identity's API through the gateway), then Identity's login page for the new account.
        var email = $"web-{Guid.NewGuid():N}@agora.test";
        await page.GetByRole(AriaRole.Link, new() { Name = "Register" }).ClickAsync();
        await shop.AssertAccessibleAsync("register");
        await page.GetByLabel("Name").FillAsync("Web Customer");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password (at least 10 characters)").FillAsync(ShopClient.NewCustomerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await shop.SignInAtIdentityAsync(email, ShopClient.NewCustomerPassword);
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("Web Customer");
        // The visitor's cart joined the customer's.
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("1");

        await page.GotoAsync("/checkout");
        await shop.FillNewAddressAsync();
        await page.GetByTestId("place-order").DblClickAsync();
        await page.WaitForURLAsync(OrderUrl());
        op.Track(OrderUrl().Match(page.Url).Groups[1].Value);
        await Expect(page.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "confirmed", SagaTimeout);

        await page.GotoAsync("/orders");
        await Expect(page.GetByTestId("order-row")).ToHaveCountAsync(1);

        // Signing out ends the session at Identity too: back on the storefront, and the next sign-in asks for the password.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Storefront.Address) + "/$"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GotoAsync("/orders");
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await op.AssertInvariantsAsync();
    }
}
