using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Agora.EndToEnd.Tests.Web;

/// <summary>
/// The console's notification templates, API keys and signing keys in real chromium against the shared embedded AppHost,
/// as the demo admin: a template's draft refused with the API's own 422 fields, then previewed in Korean and English
/// side by side and saved (and put back), a second tab's late save refused (412); an API key created, shown once
/// (no-store), revoked, and then refused at the gateway; the signing key rotated, the page showing a new key signing,
/// then in Korean. axe-core on every page on the way.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class ConsoleOpsTests(EmbeddedAppHostFixture fixture)
{
    [Fact]
    public async Task Staff_PreviewATemplateInKoreanAndEnglish_ThenSaveIt()
    {
        await using var shop = await StaffAsync();
        var page = shop.Page;
        await Nav(page, "Notification templates").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Notification templates", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("templates").Locator("caption")).ToContainTextAsync("templates, by event, channel and language");
        await shop.AssertAccessibleAsync("templates");

        // The English push for a delivered order (no other test reads it).
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit order_delivered push en" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Edit template "), Level = 1 })).ToBeVisibleAsync();
        var body = page.GetByLabel("Body", new() { Exact = true });
        var original = await body.InputValueAsync();

        // A placeholder the event does not offer: Notification's 422 names the field, and the draft stays as written.
        await body.FillAsync("{{tracking_number}} arrived");
        await page.GetByTestId("preview").ClickAsync();
        await Expect(page.GetByTestId("template-problems")).ToHaveAttributeAsync("data-status", "422");
        await Expect(page.Locator("[data-testid=template-problem][data-field=body]")).ToBeVisibleAsync();
        await Expect(body).ToHaveValueAsync("{{tracking_number}} arrived");
        await shop.AssertAccessibleAsync("template refused");

        // A good draft: the sample order in Korean and in English, side by side; nothing saved yet.
        await body.FillAsync("{{customer_name}}, order {{order_id}} has arrived.");
        await page.GetByTestId("preview").ClickAsync();
        var korean = page.GetByTestId("preview-ko");
        await Expect(korean).ToHaveAttributeAsync("lang", "ko");
        await Expect(korean.GetByTestId("preview-text")).ToContainTextAsync("김민지, order ord_0123456789abcdef has arrived.");
        await Expect(page.GetByTestId("preview-en").GetByTestId("preview-text")).ToContainTextAsync("Alex Kim, order ord_0123456789abcdef has arrived.");
        await Expect(page.GetByTestId("template-problems")).ToHaveCountAsync(0);
        await shop.AssertAccessibleAsync("template preview");

        // The same template open in a second tab, read before the save below.
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync(page.Url);
        await Expect(other.GetByLabel("Body", new() { Exact = true })).ToHaveValueAsync(original);

        // Save (If-Match on the ETag read), then put the original back (If-Match on the ETag the save answered).
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("template-saved")).ToBeVisibleAsync();

        // The second tab's save comes too late: Notification answers 412, the tab says so and keeps its draft.
        await other.GetByLabel("Body", new() { Exact = true }).FillAsync("{{customer_name}}, your parcel is here.");
        await other.GetByTestId("save").ClickAsync();
        await Expect(other.GetByTestId("template-problems")).ToHaveAttributeAsync("data-status", "412");
        await Expect(other.GetByTestId("template-saved")).ToHaveCountAsync(0);
        await Expect(other.GetByLabel("Body", new() { Exact = true })).ToHaveValueAsync("{{customer_name}}, your parcel is here.");
        await other.CloseAsync();

        await body.FillAsync(original);
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("template-saved")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("template-problems")).ToHaveCountAsync(0);
        await Expect(body).ToHaveValueAsync(original);
    }

    [Fact]
    public async Task Staff_CreateAnApiKey_SeeItOnce_RevokeIt_AndTheGatewayRefusesIt()
    {
        await using var shop = await StaffAsync();
        var page = shop.Page;
        await Nav(page, "API keys").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API keys", Level = 1 })).ToBeVisibleAsync();
        await shop.AssertAccessibleAsync("api keys");

        var name = "e2e console partner " + Guid.NewGuid().ToString("N")[..8];
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Scopes").FillAsync("read:catalog");
        var answer = await page.RunAndWaitForResponseAsync(() => page.GetByTestId("create-key").ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/console/api-keys", StringComparison.Ordinal));
        Assert.Equal("no-store", (await answer.AllHeadersAsync())["cache-control"]);
        await Expect(page.GetByTestId("new-key")).ToContainTextAsync("shown this once only");
        var key = await page.GetByTestId("api-key-secret").InputValueAsync();
        Assert.Matches("^agk_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$", key);
        await shop.AssertAccessibleAsync("api key created");

        // Once: the list (a new GET) never shows it again.
        await page.GotoAsync("/console/api-keys");
        var row = page.Locator("tr[data-testid=api-key-row]", new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = name }) });
        await Expect(row).ToHaveAttributeAsync("data-status", "active");
        await Expect(page.GetByTestId("new-key")).ToHaveCountAsync(0);
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);

        await row.GetByTestId("revoke").ClickAsync();
        await Expect(page.GetByTestId("outcome")).ToHaveAttributeAsync("data-outcome", "revoked");
        await Expect(row).ToHaveAttributeAsync("data-status", "revoked");
        await Expect(row.GetByTestId("revoke")).ToHaveCountAsync(0);
        await shop.AssertAccessibleAsync("api key revoked");

        // The revoked key at the gateway: 401 (it was never used, so no gateway remembers it as good).
        using var gateway = fixture.CreateClient("gateway");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/products?per_page=1");
        request.Headers.Add("X-API-Key", key);
        using var refused = await gateway.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Staff_RotateTheSigningKey_AndThePageShowsANewKeySigning()
    {
        await using var shop = await StaffAsync();
        var page = shop.Page;
        await Nav(page, "Signing keys").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Signing keys", Level = 1 })).ToBeVisibleAsync();
        var current = page.GetByTestId("current-key");
        var before = await current.GetAttributeAsync("data-id");
        Assert.NotNull(before);
        var next = await page.Locator("tr[data-testid=signing-key-row][data-status=next][data-id^='sig-']").First.GetAttributeAsync("data-id");
        await shop.AssertAccessibleAsync("signing keys");

        await page.GetByTestId("rotate").ClickAsync();
        await Expect(page.GetByTestId("outcome")).ToHaveAttributeAsync("data-outcome", "rotated");
        await Expect(current).Not.ToHaveAttributeAsync("data-id", before!);
        // The key that was next signs now, and the one before is retired (still published).
        await Expect(current).ToHaveAttributeAsync("data-id", next!);
        await Expect(page.Locator($"tr[data-testid=signing-key-row][data-id='{before}']")).ToHaveAttributeAsync("data-status", "retired");
        await shop.AssertAccessibleAsync("signing keys rotated");

        // In Korean, as every page of the shop: the same keys, the page's words translated.
        await page.GetByRole(AriaRole.Button, new() { Name = "한국어" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "서명 키", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signing-keys").Locator("caption")).ToContainTextAsync("현재 서명, 다음, 퇴역 순");
        await Expect(current).ToHaveAttributeAsync("data-id", next!);
        await shop.AssertAccessibleAsync("signing keys in Korean");
    }

    /// <summary>A browser signed in as the demo admin, on the console's overview.</summary>
    private static async Task<Storefront> StaffAsync()
    {
        var shop = await Storefront.OpenAsync();
        await shop.Page.GotoAsync("/signin?returnUrl=%2Fconsole");
        await shop.SignInAtIdentityAsync("admin@agora.local", Agora.Hosting.DemoSecrets.AdminPassword);
        await shop.Page.WaitForURLAsync(url => url.EndsWith("/console", StringComparison.Ordinal));
        return shop;
    }

    private static ILocator Nav(IPage page, string link) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link, new() { Name = link, Exact = true });
}
