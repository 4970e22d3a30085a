using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agora.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Agora.EndToEnd.Tests.Web;

/// <summary>
/// The operations console (http://localhost:3000/console) in real chromium against the shared embedded AppHost: a
/// customer is refused with a 403 page, a visitor is sent to sign in, and staff find a real dead letter (a confirmation
/// email the mail server refused six times), read it, replay it, and the customer's email arrives. axe-core on every
/// console page on the way. Waits are Playwright's auto-waiting assertions and the repository's Poll, never sleeps.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class ConsoleTests(EmbeddedAppHostFixture fixture)
{
    [Fact]
    public async Task Customer_OpeningTheConsole_GetsA403Page_AndAVisitorIsSentToSignIn()
    {
        await using var shop = await Storefront.OpenAsync();
        var page = shop.Page;

        // A visitor: Identity's sign-in page, then (as the demo customer) back to /console, refused.
        await page.GotoAsync("/console");
        await shop.SignInAtIdentityAsync("customer@agora.local", Agora.Hosting.DemoSecrets.CustomerPassword);
        await page.WaitForURLAsync(url => url.EndsWith("/console", StringComparison.Ordinal));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You cannot open this page" })).ToBeVisibleAsync();

        // The refusal is a real 403, on every console address, and nothing of the console shows.
        foreach (var path in new[] { "/console", "/console/dead-letters", "/console/dead-letters/notification/anything", "/console/catalogue", "/console/catalogue/new" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            await Expect(page.GetByTestId("forbidden")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("dead-letters")).ToHaveCountAsync(0);
        }

        await shop.AssertAccessibleAsync("403 page");

        // The console's form posts refuse them too: the policy stands before the form is even read.
        var post = await page.APIRequest.PostAsync("/console/dead-letters/notification/anything/replay");
        Assert.Equal(403, post.Status);
        Assert.Equal(403, (await page.APIRequest.PostAsync("/console/catalogue/products")).Status);

        // The shop itself still works for them, without a way into the console.
        await page.GotoAsync("/");
        await Expect(page.GetByTestId("signed-in-as")).Not.ToBeEmptyAsync();
        await Expect(page.GetByTestId("console-link")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Staff_OpenTheEdgePage_AndSeeEveryClustersBreaker()
    {
        await using var shop = await Storefront.OpenAsync();
        var page = shop.Page;

        await page.GotoAsync("/signin?returnUrl=%2Fconsole");
        await shop.SignInAtIdentityAsync("admin@agora.local", Agora.Hosting.DemoSecrets.AdminPassword);
        await page.WaitForURLAsync(url => url.EndsWith("/console", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link, new() { Name = "The edge" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/console/edge", StringComparison.Ordinal));

        // The gateway's own answer, through the staff member's token: its clusters (the service table's), each with a breaker.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "The edge", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("edge-error")).ToHaveCountAsync(0);
        var clusters = page.GetByTestId("edge-clusters");
        await Expect(clusters.Locator("caption")).ToContainTextAsync("circuit breaker and outlier ejections");
        foreach (var service in new[] { "catalog", "ordering", "identity" })
        {
            await Expect(clusters.Locator($"tr[data-cluster={service}]")).ToHaveAttributeAsync("data-breaker", new Regex("^(closed|open|half-open)$"));
        }

        await shop.AssertAccessibleAsync("edge");
    }

    [Fact]
    public async Task Staff_ReplayADeadLetterFromTheConsole_AndTheNotificationArrives()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var customer = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(41, stock: 20);
        await op.TrackStockAsync(product);

        // A real dead letter: the mail server refuses everything (451), so Notification's handler for OrderConfirmed
        // fails all six attempts and Wolverine moves the message to its dead letters.
        await op.SetInboxRefusingAsync(true);
        string orderId;
        string deadLetterId;
        try
        {
            orderId = op.Track(await customer.PlaceOrderAsync(product, 1));
            var order = await customer.WaitForSagaEndAsync(orderId);
            Assert.True((string?)order["status"] == "confirmed", order.ToJsonString());
            deadLetterId = await WaitForDeadLetterAsync(op, orderId);
        }
        finally
        {
            await op.SetInboxRefusingAsync(false);
        }

        await using var shop = await Storefront.OpenAsync();
        var page = shop.Page;

        // Staff sign in (the demo admin) and reach the console from the header.
        await page.GotoAsync("/signin?returnUrl=%2F");
        await shop.SignInAtIdentityAsync("admin@agora.local", Agora.Hosting.DemoSecrets.AdminPassword);
        await page.WaitForURLAsync(new Regex("^" + Regex.Escape(Storefront.Address) + "/$"));
        await page.GetByTestId("console-link").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Operations console", Level = 1 })).ToBeVisibleAsync();
        await shop.AssertAccessibleAsync("console overview");

        // A form post without the page's antiforgery token (what another site could send with staff's cookie) is refused,
        // and the dead letter stays where it is (the table below still shows it).
        var forged = page.APIRequest.CreateFormData();
        forged.Set("returnUrl", "/console");
        var refused = await page.APIRequest.PostAsync($"/console/dead-letters/notification/{deadLetterId}/replay", new() { Form = forged, MaxRedirects = 0 });
        Assert.Equal(400, refused.Status);

        // The dead letter in the table of every service's dead letters, then filtered to Notification's.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link, new() { Name = "Dead letters" }).ClickAsync();
        var row = page.Locator($"tr[data-testid=dead-letter][data-id='{deadLetterId}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("notification");
        await Expect(row).ToContainTextAsync("OrderConfirmed");
        await shop.AssertAccessibleAsync("dead letters");
        await page.GetByLabel("Service").SelectOptionAsync("notification");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("service=notification", StringComparison.Ordinal));
        await Expect(page.Locator("tr[data-testid=dead-letter]:not([data-service=notification])")).ToHaveCountAsync(0);
        await Expect(row).ToBeVisibleAsync();

        // Its page: the message (this order's) and the error the mail server caused.
        await row.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Inspect ") }).ClickAsync();
        await Expect(page.GetByTestId("dead-letter-body")).ToContainTextAsync(orderId);
        await Expect(page.GetByTestId("dead-letter-exception")).Not.ToBeEmptyAsync();
        await shop.AssertAccessibleAsync("dead letter");
        Assert.Empty(await op.InboxAsync("email", customer.Email!));

        // Replay: back to the list, which says so; the email arrives and the dead letter leaves the list.
        await page.GetByTestId("replay").ClickAsync();
        await Expect(page.GetByTestId("outcome")).ToHaveAttributeAsync("data-outcome", "replayed");
        await op.WaitForEmailAsync(customer.Email!, $"Your order {orderId} is confirmed");
        await page.GotoAsync("/console/dead-letters?service=notification");
        await Expect(page.Locator($"tr[data-testid=dead-letter][data-id='{deadLetterId}']")).ToHaveCountAsync(0);

        // Its old address now says it is gone, readably.
        await page.GotoAsync($"/console/dead-letters/notification/{deadLetterId}");
        await Expect(page.GetByTestId("dead-letter-error")).ToContainTextAsync("No dead letter");

        // Orders and sagas: every view answers (Ordering's staff lists through the gateway), and the order's timeline
        // shows the saga's way to the confirmation.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link, new() { Name = "Orders and sagas" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Orders and sagas", Level = 1 })).ToBeVisibleAsync();
        foreach (var view in new[] { "in_flight", "stuck", "payment_pending", "failed" })
        {
            await page.GetByTestId("view-" + view).ClickAsync();
            await Expect(page.GetByTestId("view-" + view)).ToHaveAttributeAsync("aria-current", "page");
            await Expect(page.GetByTestId("sagas").Or(page.GetByTestId("no-sagas"))).ToBeVisibleAsync();
            await Expect(page.GetByTestId("sagas-error")).ToHaveCountAsync(0);
            await shop.AssertAccessibleAsync("orders: " + view);
        }

        await page.GotoAsync($"/console/orders/{orderId}");
        await Expect(page.GetByTestId("saga-status")).ToHaveTextAsync("confirmed");
        var timeline = page.GetByTestId("saga-timeline");
        await Expect(timeline.Locator("li[data-type=order_placed]")).ToHaveCountAsync(1);
        await Expect(timeline.Locator("li[data-type=order_confirmed]")).ToHaveCountAsync(1);
        await shop.AssertAccessibleAsync("order timeline");
        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task TheStorefrontsClient_GivesWriteCatalogToStaffOnly_NeverToACustomer()
    {
        // The storefront's own OIDC client (agora-storefront, confidential) asking what the storefront asks: Identity's
        // ScopePolicy grants the staff scopes (admin:ops, write:catalog) to the admin role only.
        const string scope = "openid profile email offline_access roles read:users write:users read:orders write:orders read:catalog admin:ops write:catalog";
        var customer = await ScopesThroughTheStorefrontAsync("customer@agora.local", Agora.Hosting.DemoSecrets.CustomerPassword, scope);
        Assert.DoesNotContain("write:catalog", customer);
        Assert.DoesNotContain("admin:ops", customer);
        Assert.Contains("write:orders", customer);

        var staff = await ScopesThroughTheStorefrontAsync("admin@agora.local", Agora.Hosting.DemoSecrets.AdminPassword, scope);
        Assert.Contains("write:catalog", staff);
        Assert.Contains("admin:ops", staff);
    }

    [Fact]
    public async Task Staff_CreateAProduct_SetItsStock_AndTheShopShowsItInStock_WhileAStaleEditChangesNothing()
    {
        await using var shop = await Storefront.OpenAsync();
        var page = shop.Page;
        var sku = "E2E-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var name = "Console teapot " + sku;

        await page.GotoAsync("/signin?returnUrl=%2Fconsole");
        await shop.SignInAtIdentityAsync("admin@agora.local", Agora.Hosting.DemoSecrets.AdminPassword);
        await page.WaitForURLAsync(url => url.EndsWith("/console", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link, new() { Name = "Catalogue and stock" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Catalogue and stock", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("catalogue-products")).ToBeVisibleAsync();
        await shop.AssertAccessibleAsync("catalogue");

        // Create: an active product, no stock yet.
        await page.GetByTestId("new-product").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New product", Level = 1 })).ToBeVisibleAsync();
        await shop.AssertAccessibleAsync("new product");
        await page.GetByLabel("SKU").FillAsync(sku);
        await page.GetByLabel("Name (English)").FillAsync(name);
        await page.GetByLabel("Name in Korean (optional)").FillAsync("콘솔 찻주전자");
        await page.GetByLabel("Description").FillAsync("Made in the console's browser test.");
        await page.GetByLabel("Price").FillAsync("12000");
        await page.GetByLabel("Currency").FillAsync("USD");
        await page.GetByLabel("Status").SelectOptionAsync("active");

        // Priced in a currency the catalogue does not use (422): said in the page with the field; the form comes back filled in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();
        await Expect(page.GetByTestId("catalogue-outcome")).ToHaveAttributeAsync("data-outcome", "invalid");
        await Expect(page.Locator("[data-testid=catalogue-fields] li[data-field='price.currency']")).ToHaveTextAsync("Currency");
        await Expect(page.GetByLabel("Name (English)")).ToHaveValueAsync(name);
        await shop.AssertAccessibleAsync("refused create");
        await page.GetByLabel("Currency").FillAsync("KRW");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();
        await Expect(page.GetByTestId("catalogue-outcome")).ToHaveAttributeAsync("data-outcome", "created");
        var id = new Uri(page.Url).AbsolutePath.Split('/')[^1];
        Assert.StartsWith("prd_", id, StringComparison.Ordinal);
        await Expect(page.GetByTestId("product-status")).ToHaveAttributeAsync("data-status", "active");
        await Expect(page.GetByTestId("product-stock")).ToHaveAttributeAsync("data-available", "0");
        await shop.AssertAccessibleAsync("product");

        // Stock, with a reason.
        await page.GetByLabel("Units available").FillAsync("15");
        await page.GetByLabel("Reason").FillAsync("First delivery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set stock" }).ClickAsync();
        await Expect(page.GetByTestId("catalogue-outcome")).ToHaveAttributeAsync("data-outcome", "stocked");
        await Expect(page.GetByTestId("product-stock")).ToHaveAttributeAsync("data-available", "15");

        // Two copies of the edit form: the one saved first wins; the other, read before that change, is refused (412)
        // and overwrites nothing.
        var stale = await page.Context.NewPageAsync();
        await stale.GotoAsync($"/console/catalogue/{id}");
        await page.GetByLabel("Name (English)").FillAsync(name + " v2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.GetByTestId("catalogue-outcome")).ToHaveAttributeAsync("data-outcome", "saved");
        await stale.GetByLabel("Name (English)").FillAsync(name + " stale");
        await stale.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(stale.GetByTestId("catalogue-outcome")).ToHaveAttributeAsync("data-outcome", "changed");
        await Expect(stale.GetByRole(AriaRole.Alert)).ToContainTextAsync("Someone changed this product after you opened it");
        await Expect(stale.GetByLabel("Name (English)")).ToHaveValueAsync(name + " v2");
        await stale.CloseAsync();

        // A price Catalog does not accept (422): said in the page, with the field, and nothing changes.
        await page.GetByLabel("Price").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.GetByTestId("catalogue-outcome")).ToHaveAttributeAsync("data-outcome", "invalid");
        await Expect(page.Locator("[data-testid=catalogue-fields] li[data-field='price.amount']")).ToHaveTextAsync("Price");
        await Expect(page.GetByLabel("Price")).ToHaveValueAsync("12000");
        await shop.AssertAccessibleAsync("refused edit");

        // Archive (off the shop) and activate again, each with the ETag of the page.
        await page.GetByTestId("archive").ClickAsync();
        await Expect(page.GetByTestId("catalogue-outcome")).ToHaveAttributeAsync("data-outcome", "archived");
        await Expect(page.GetByTestId("product-status")).ToHaveAttributeAsync("data-status", "discontinued");
        await page.GetByTestId("activate").ClickAsync();
        await Expect(page.GetByTestId("catalogue-outcome")).ToHaveAttributeAsync("data-outcome", "activated");
        await Expect(page.GetByTestId("product-status")).ToHaveAttributeAsync("data-status", "active");

        // The list finds it by its name, with its stock.
        await page.GotoAsync("/console/catalogue?q=" + Uri.EscapeDataString(sku));
        var row = page.Locator($"tr[data-testid=catalogue-product][data-id='{id}']");
        await Expect(row).ToHaveAttributeAsync("data-available", "15");
        await Expect(row).ToContainTextAsync(name + " v2");

        // The shop's product page: in stock.
        await page.GotoAsync($"/products/{id}");
        await Expect(page.GetByTestId("availability")).ToHaveTextAsync("In stock");
    }

    private async Task<string[]> ScopesThroughTheStorefrontAsync(string email, string password, string scope)
    {
        using var handler = fixture.CreateBrowserHandler();
        using var browser = new HttpClient(handler) { BaseAddress = fixture.App.GetEndpoint("identity", "http") };
        var redirect = Storefront.Address + "/signin-oidc";
        var (verifier, challenge) = OAuth.Pkce();
        var callback = await OAuth.SignInAndAuthorizeAsync(browser,
            OAuth.AuthorizeUrl(challenge, "scopes", redirect: redirect, client: "agora-storefront", scope: scope), email, password);
        var (status, tokens) = await OAuth.RedeemAsync(browser, OAuth.Query(callback)["code"], verifier, redirect, "agora-storefront",
            Agora.Hosting.DemoSecrets.WebClientSecret);
        Assert.True(status == System.Net.HttpStatusCode.OK, tokens.ToJsonString());
        return ((string?)OAuth.Payload((string)tokens["access_token"]!)["scope"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Waits for Notification's dead letter whose message is about <paramref name="orderId"/>; returns its id.</summary>
    private static async Task<string> WaitForDeadLetterAsync(ShopOperator op, string orderId)
    {
        var found = await Poll.UntilFoundAsync(async () =>
        {
            var list = await op.Admin.GetDataAsync("notification", "/api/v1/admin/dead-letters?per_page=100");
            foreach (var summary in list.AsArray())
            {
                var detail = await op.Admin.GetDataAsync("notification", $"/api/v1/admin/dead-letters/{summary!["id"]}");
                if (detail["message"]?.ToJsonString().Contains(orderId, StringComparison.Ordinal) == true)
                {
                    return detail;
                }
            }

            return (JsonNode?)null;
        }, $"Notification's dead letter for {orderId}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        return (string)found["id"]!;
    }
}
