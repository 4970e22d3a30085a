using Microsoft.Extensions.DependencyInjection;
using Agora.Web.Components.Console;
using Agora.Web.Features.Console;
using Bunit;

namespace Agora.Web.Tests;

/// <summary>The console's edge page without a browser: one captioned table per concern, what each row says, and the empty lists.</summary>
public sealed class EdgeTablesTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 21, 0, 0, TimeSpan.Zero);
    private readonly BunitContext _context = new();

    /// <summary>Every component gets the page language's texts (the storefront's _Imports injects them), as in ConsoleTests.</summary>
    public EdgeTablesTests() => _context.Services.AddSingleton(Agora.Web.Features.Language.Texts.English);

    [Fact]
    public void EveryConcern_IsACaptionedTable_WithItsRows()
    {
        var report = new EdgeReport(At,
            [
                new EdgeCluster("catalog", "open", 12.3, 2, ["catalog-2"], 3),
                new EdgeCluster("ordering", "closed", 0, 1, [], 0),
            ],
            [new EdgeBreaker("orders-place", "half-open", 0)],
            [new EdgeCanary(["products", "products-v2"], "catalog", "catalog-canary", 10, 90, 10)],
            [new EdgeDeprecation("products-v1", "reduced", At.AddDays(-60), At.AddDays(-30), At.AddDays(-7), At.AddDays(30), "/api/v2/products", "deprecated-reduced")],
            [new EdgeRateLimited("sub:usr_flood", 42, "standard", At.AddMinutes(-1)), new EdgeRateLimited("ip:192.0.2.7", 3, "anonymous", At.AddMinutes(-5))]);

        var page = _context.Render<EdgeTables>(p => p.Add(t => t.Report, report));

        Assert.Equal(
            [
                "2 clusters: circuit breaker and outlier ejections",
                "1 route breaker: routes with a breaker of their own",
                "1 canary: weight and which version served how many requests",
                "1 deprecated route: phase now and its dates",
                "The 2 consumers refused most (429) since the gateway started",
            ],
            page.FindAll("table caption").Select(c => c.TextContent));
        Assert.All(page.FindAll("table"), t => Assert.NotEmpty(t.QuerySelectorAll("thead th[scope=col]")));

        var clusters = page.FindAll("[data-testid=cluster-row]");
        Assert.Equal(["catalog", "ordering"], clusters.Select(r => r.GetAttribute("data-cluster")));
        Assert.Equal(["catalog", "open (13 s left)", "2", "catalog-2", "3"], clusters[0].Children.Select(c => c.TextContent));
        Assert.Equal(["ordering", "closed", "1", "none", "0"], clusters[1].Children.Select(c => c.TextContent));
        Assert.Equal("half-open", page.Find("[data-testid=edge-route-breakers] tbody td").TextContent);

        Assert.Equal(["products, products-v2", "catalog", "catalog-canary", "10 %", "90", "10"],
            page.Find("[data-testid=canary-row]").Children.Select(c => c.TextContent));

        var deprecation = page.Find("[data-testid=deprecation-row]");
        Assert.Equal("reduced", deprecation.GetAttribute("data-phase"));
        Assert.Equal(["products-v1", "reduced", "2026-10-08 21:00 UTC", "2026-11-07 21:00 UTC", "2026-11-30 21:00 UTC (now: deprecated-reduced)", "2027-01-06 21:00 UTC", "/api/v2/products"],
            deprecation.Children.Select(c => c.TextContent));
        Assert.Equal(At.AddDays(30).ToString("O"), deprecation.Children[5].QuerySelector("time")!.GetAttribute("datetime"));

        Assert.Equal(["sub:usr_flood", "ip:192.0.2.7"], page.FindAll("[data-testid=rate-limited-row] th").Select(c => c.TextContent));
        Assert.Equal(["sub:usr_flood", "42", "standard", "2026-12-07 20:59 UTC"], page.Find("[data-testid=rate-limited-row]").Children.Select(c => c.TextContent));
        Assert.Empty(page.FindAll("[data-testid^=no-]"));
    }

    [Fact]
    public void EmptyLists_SaySo_InsteadOfEmptyTables()
    {
        var page = _context.Render<EdgeTables>(p => p.Add(t => t.Report, new EdgeReport(At, [new EdgeCluster("catalog", "closed", 0, 1, [], 0)], [], [], [], [])));

        Assert.Equal(["edge-clusters"], page.FindAll("table").Select(t => t.GetAttribute("data-testid")));
        Assert.Equal(["no-canaries", "no-deprecations", "no-rate-limited"], page.FindAll("[data-testid^=no-]").Select(p => p.GetAttribute("data-testid")));
        Assert.Equal(["Clusters", "Canary releases", "Deprecated routes", "Rate-limited consumers"], page.FindAll("h2").Select(h => h.TextContent));
    }

    public void Dispose() => _context.Dispose();
}
