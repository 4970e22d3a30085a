using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Agora.EndToEnd.Tests.Web;

/// <summary>
/// The storefront (src/Agora.Web, http://localhost:3000) in real chromium against the embedded AppHost the other
/// end-to-end tests share: a customer's way from the home page to a confirmed order and its email, a double click on
/// "Place order", the shop in Korean (a visitor's choice, a customer's locale), and axe-core on every page on the way. Waits are Playwright's auto-waiting assertions and the
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
        await shop.ScreenshotAsync("home");
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
        await shop.ScreenshotAsync("search");

        // Two products into the cart, as a visitor.
        await page.GetByTestId("hit-link").Filter(new() { HasText = firstName }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = firstName })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("product-price")).ToHaveTextAsync(new Regex("^₩[0-9,]+$"));
        await Expect(page.GetByTestId("product-category")).Not.ToHaveTextAsync("Category");
        await Expect(page.GetByTestId("availability")).ToHaveTextAsync(new Regex("In stock|Only [0-9]+ left"));
        await shop.AssertAccessibleAsync("product");
        await shop.ScreenshotAsync("product");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByTestId("added")).ToBeVisibleAsync();
        await page.GotoAsync("/products/" + second);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByTestId("cart-count")).ToHaveTextAsync("2");

        await page.GetByTestId("cart-link").ClickAsync();
        await Expect(page.GetByTestId("cart-line")).ToHaveCountAsync(2);
        await shop.AssertAccessibleAsync("cart");
        await shop.ScreenshotAsync("cart");

        // Checkout needs a customer: Identity's login page, and back with the cart adopted.
        await page.GetByTestId("checkout").ClickAsync();
        await shop.SignInAtIdentityAsync("customer@agora.local", Agora.Hosting.DemoSecrets.CustomerPassword);
        await page.WaitForURLAsync(url => url.EndsWith("/checkout", StringComparison.Ordinal));
        await Expect(page.GetByTestId("signed-in-as")).Not.ToBeEmptyAsync();
        await Expect(page.GetByTestId("cart-count")).Not.ToHaveTextAsync("0");
        await shop.AssertAccessibleAsync("checkout");

        await shop.FillNewAddressAsync();
        await shop.ScreenshotAsync("checkout");
        await page.GetByTestId("place-order").ClickAsync();
        await page.WaitForURLAsync(OrderUrl());
        var orderId = OrderUrl().Match(page.Url).Groups[1].Value;
        op.Track(orderId);

        // The order page follows the saga by itself (server push over the circuit): no reload here.
        await Expect(page.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "confirmed", SagaTimeout);
        await Expect(page.GetByTestId("order-steps").Locator("li.done")).ToHaveCountAsync(6);
        await shop.AssertAccessibleAsync("order");
        await shop.ScreenshotAsync("order-confirmed");

        await op.WaitForEmailAsync("customer@agora.local", $"Your order {orderId} is confirmed");

        await page.GotoAsync("/orders");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = orderId })).ToBeVisibleAsync();
        await shop.AssertAccessibleAsync("orders");
        await op.AssertInvariantsAsync();
    }

    /// <summary>A Fashion product's Korean name: one of the category's Korean nouns and its number.</summary>
    [GeneratedRegex("(재킷|운동화|스카프|티셔츠|청바지|백팩|모자|벨트) [0-9]{2}$")]
    private static partial Regex KoreanFashionName();

    [Fact]
    public async Task Visitor_SwitchesToKorean_AndSearchesInKorean_AndACustomerWhoseLocaleIsKorean_GetsKoreanWithoutChoosing()
    {
        await using (var shop = await Storefront.OpenAsync())
        {
            var page = shop.Page;
            await page.GotoAsync("/");
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            await page.GetByRole(AriaRole.Button, new() { Name = "한국어" }).ClickAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Agora에 오신 것을 환영합니다");
            await Expect(page.GetByTestId("categories").GetByRole(AriaRole.Link, new() { Name = "패션", Exact = true })).ToBeVisibleAsync();
            await shop.AssertAccessibleAsync("home in Korean");

            // 패션 finds the Fashion products (their Korean descriptions), listed by their Korean names under the 패션 facet.
            await page.GetByLabel("상품 검색").FillAsync("패션");
            await page.GetByLabel("상품 검색").PressAsync("Enter");
            await Expect(page.GetByTestId("facets").GetByRole(AriaRole.Link)).ToHaveTextAsync(["패션"]);
            await Expect(page.GetByTestId("hit-link").First).ToHaveTextAsync(KoreanFashionName());
            await Expect(page.GetByTestId("hit-link")).ToHaveCountAsync(20);
            await shop.AssertAccessibleAsync("search in Korean");
            await shop.ScreenshotAsync("search-ko");

            var name = (await page.GetByTestId("hit-link").First.TextContentAsync())!.Trim();
            await page.GetByTestId("hit-link").First.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
            await Expect(page.GetByTestId("product-description")).ToContainTextAsync("패션 인기 상품");
            await Expect(page.GetByTestId("product-category")).ToHaveTextAsync("패션");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "장바구니에 담기" }).Or(page.GetByText("지금은 이 상품을 주문할 수 없습니다."))).ToBeVisibleAsync();
            await shop.AssertAccessibleAsync("product in Korean");

            // And back: the same product in English.
            await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            await Expect(page.GetByTestId("product-category")).ToHaveTextAsync("Fashion");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).Not.ToHaveTextAsync(name);
        }

        // A customer whose profile says ko, in a browser that never chose: Korean from the sign-in on (Identity's locale claim).
        using var customer = await ShopClient.RegisterAsync(fixture, locale: "ko");
        await using (var shop = await Storefront.OpenAsync())
        {
            var page = shop.Page;
            await page.GotoAsync("/");
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            await shop.SignInAsync(customer.Email!, ShopClient.NewCustomerPassword);
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "로그아웃" })).ToBeVisibleAsync();
            await page.GotoAsync("/orders");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("주문 내역");
            await Expect(page.GetByTestId("no-orders")).ToContainTextAsync("아직 주문이 없습니다.");
        }
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
