using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Agora.EndToEnd.Tests.Web;

/// <summary>
/// A browser on the storefront: Debian's chromium (Playwright cannot download its own here), headless, a fresh
/// profile per test (its own cookies), with the flags that keep it off the network it cannot reach.
/// </summary>
public sealed class Storefront : IAsyncDisposable
{
    /// <summary>Debian's chromium package (<c>./test.sh</c> installs it when missing).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The storefront's address in the AppHost (the service table's <c>web</c>).</summary>
    public static readonly string Address = Agora.Hosting.ServiceTable.Get("web").HttpUrl();

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IBrowserContext _context;

    private Storefront(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>A browser with a fresh profile: no cookies, so no language chosen and nobody signed in.</summary>
    /// <param name="acceptTestCertificates">
    /// The distributed mode's pages at the gateway's TLS edge (https://localhost:8443) carry a certificate of the run's
    /// own project CA, which chromium's trust store does not hold: accept it (that run only; the web app itself pins it).
    /// </param>
    public static async Task<Storefront> OpenAsync(bool acceptTestCertificates = false)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install -y chromium fonts-noto-cjk (./test.sh does).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = Address, Locale = "en-US", ViewportSize = new() { Width = 1280, Height = 800 }, IgnoreHTTPSErrors = acceptTestCertificates,
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        return new Storefront(playwright, browser, context, page);
    }

    /// <summary>axe-core finds no serious or critical accessibility violation on the page as it is now.</summary>
    public async Task AssertAccessibleAsync(string what)
    {
        var result = await Page.RunAxe();
        var violations = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}").ToList();
        Assert.True(violations.Count == 0, $"{what}: " + string.Join(Environment.NewLine, violations));
    }

    /// <summary>Signs in on Identity's own login page (where the storefront sent the browser).</summary>
    public async Task SignInAtIdentityAsync(string email, string password)
    {
        await Page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>
    /// With <c>AGORA_SCREENSHOTS=1</c>, the page as it is now into <c>docs/images/storefront-&lt;name&gt;.png</c> (the README
    /// shows them): the same file names every run, overwritten, one 1280×800 viewport each. Without it, nothing, so a test
    /// run leaves the working tree as it was.
    /// </summary>
    public async Task ScreenshotAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("AGORA_SCREENSHOTS") != "1")
        {
            return;
        }

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Agora.slnx")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(root.FullName, "docs", "images", $"storefront-{name}.png"), Animations = ScreenshotAnimations.Disabled });
    }

    /// <summary>Signs in from the storefront's own link (Identity's login page and back to the home page).</summary>
    public async Task SignInAsync(string email, string password)
    {
        await Page.GotoAsync("/signin?returnUrl=%2F");
        await SignInAtIdentityAsync(email, password);
        await Page.WaitForURLAsync(url => url.TrimEnd('/') == Address);
    }

    /// <summary>Fills the checkout's new-address fields (a Seoul address the carrier serves).</summary>
    public async Task FillNewAddressAsync()
    {
        await Page.GetByLabel("A new address").CheckAsync();
        await Page.GetByLabel("Recipient").FillAsync("Kim Minji");
        await Page.GetByLabel("Phone").FillAsync("+82-10-1234-5678");
        await Page.GetByLabel("Address", new() { Exact = true }).FillAsync("123 Teheran-ro");
        await Page.GetByLabel("City").FillAsync("Seoul");
        await Page.GetByLabel("Postal code").FillAsync("06236");
        await Page.GetByLabel("Country (two letters)").FillAsync("KR");
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
