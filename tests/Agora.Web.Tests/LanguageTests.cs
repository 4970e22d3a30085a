using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Agora.Web.Features.Language;
using Agora.Web.Features.Orders;
using Agora.Web.Features.Shop;
using Microsoft.AspNetCore.Http;

namespace Agora.Web.Tests;

/// <summary>
/// Which language a request gets (the visitor's choice, then the customer's locale, then English), what the catalogue's
/// <c>localized.ko</c> becomes on a page, and that every string a page asks for has its Korean.
/// </summary>
public sealed partial class LanguageTests
{
    [Theory]
    [InlineData(null, null, "en")]
    [InlineData(null, "ko", "ko")]
    [InlineData(null, "ko-KR", "ko")]
    [InlineData(null, "fr-FR", "en")]
    [InlineData("en", "ko", "en")] // a customer whose profile says Korean chose English in this browser
    [InlineData("ko", null, "ko")] // an anonymous visitor chose Korean
    [InlineData("xx", "ko", "ko")] // a cookie that is not a language of the shop is ignored
    public void TheChoiceInThisBrowser_ComesBeforeTheProfilesLocale(string? chosen, string? locale, string shown) =>
        Assert.Equal(shown, LanguageChoice.Of(chosen, locale));

    [Fact]
    public void ASignedInCustomersLocaleClaim_PicksKorean_WithoutACookie()
    {
        var context = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "usr_1"), new Claim(LanguageChoice.LocaleClaim, "ko-KR")], "cookie")),
        };
        Assert.Equal("ko", LanguageChoice.Of(context));

        context.Request.Headers.Cookie = $"{StorefrontLanguage.CookieName}=en";
        Assert.Equal("en", LanguageChoice.Of(context));

        Assert.Equal("en", LanguageChoice.Of(new DefaultHttpContext()));
        Assert.Equal("en", LanguageChoice.Of((HttpContext?)null));
    }

    [Fact]
    public void TheLanguage_PicksTheTexts()
    {
        Assert.Same(Texts.Korean, Texts.For("ko"));
        Assert.Same(Texts.English, Texts.For("en"));
        Assert.Equal("ko", Texts.Korean.Language);
        Assert.Equal("장바구니에 담기", Texts.Korean["Add to cart"]);
        Assert.Equal("Add to cart", Texts.English["Add to cart"]);
        Assert.Equal("A string nobody translated", Texts.Korean["A string nobody translated"]);
        Assert.Equal("상품 12개", Texts.Korean.Format("{0} products", 12));
    }

    [Fact]
    public void CatalogsLocalizedText_IsShownInKorean_AndTheEnglishOtherwise()
    {
        // A product and a category as Catalog's REST v1 sends them.
        var product = JsonSerializer.Deserialize<Product>("""
            {"id":"prd_1","sku":"FAS-04001","name":"Classic Black Jacket 01","description":"A fashion favourite.","category_id":"cat_4",
             "price":{"amount":"32000","currency":"KRW"},"status":"active","availability":{"status":"in_stock","available":20},
             "localized":{"ko":{"name":"클래식 블랙 재킷 01","description":"품질과 가치로 고른 패션 인기 상품."}}}
            """, ShopClient.Json)!;
        var category = JsonSerializer.Deserialize<Category>("""
            {"id":"cat_4","name":"Fashion","slug":"fashion","description":"Fashion for every day.","localized":{"ko":{"name":"패션","description":"매일 함께하는 패션."}}}
            """, ShopClient.Json)!;
        var bare = product with { Localized = null };

        Assert.Equal("클래식 블랙 재킷 01", Texts.Korean.NameOf(product));
        Assert.Equal("품질과 가치로 고른 패션 인기 상품.", Texts.Korean.DescriptionOf(product));
        Assert.Equal("패션", Texts.Korean.NameOf(category));
        Assert.Equal("매일 함께하는 패션.", Texts.Korean.DescriptionOf(category));
        Assert.Equal("Classic Black Jacket 01", Texts.English.NameOf(product));
        Assert.Equal("Fashion", Texts.English.NameOf(category));
        Assert.Equal("Classic Black Jacket 01", Texts.Korean.NameOf(bare));
        Assert.Equal("재고 있음", Texts.Korean.Label(product.Availability!));
    }

    [Fact]
    public void EveryStringAPageAsksFor_HasItsKorean()
    {
        var components = Path.Combine(RepositoryRoot(), "src", "Agora.Web", "Components");
        var asked = Directory.EnumerateFiles(components, "*.razor", SearchOption.AllDirectories)
            .SelectMany(file => Asked().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Text: m.Groups["text"].Value)))
            .ToList();
        Assert.True(asked.Count > 50, $"Only {asked.Count} strings found: has the way pages ask for them changed?");
        var missing = asked.Where(a => Texts.Korean[a.Text] == a.Text).Select(a => $"{a.File}: {a.Text}").Distinct().ToList();
        Assert.True(missing.Count == 0, "No Korean for: " + string.Join("; ", missing));

        // The order's statuses, steps and event types the pages show through T[…].
        string[] statuses = ["pending", "payment_pending", "paid", "confirmed", "shipped", "delivered", "cancelling", "cancelled", "failed"];
        string[] events =
        [
            "order_placed", "stock_reserved", "payment_authorized", "payment_pending", "shipment_created", "payment_captured", "stock_committed",
            "order_confirmed", "order_shipped", "order_delivered", "compensation_started", "shipment_cancelled", "payment_voided", "refund_issued",
            "stock_released", "order_cancelled", "saga_failed", "payment_declined", "stock_rejected", "shipment_failed", "step_retried",
        ];
        var order = StorefrontRulesTests.Order("delivered", "completed");
        var shown = statuses.Select(OrderSteps.Describe).Concat(events.Select(OrderTimeline.Label))
            .Concat(OrderSteps.Of(order, events.Select((e, i) => new OrderEvent(i + 1, e, DateTimeOffset.UnixEpoch)).ToList()).Select(s => s.Label));
        Assert.DoesNotContain(shown, s => Texts.Korean[s] == s);
    }

    [Fact]
    public void TheTimeline_UpToAnInstant_HoldsTheEventsThatHadHappened()
    {
        var t0 = DateTimeOffset.Parse("2026-12-07T10:00:00Z", CultureInfo.InvariantCulture);
        OrderEvent[] events = [new(2, "stock_reserved", t0.AddSeconds(1)), new(1, "order_placed", t0), new(3, "payment_pending", t0.AddSeconds(5))];
        Assert.Equal([1, 2], OrderTimeline.Until(events, t0.AddSeconds(1)).Select(e => e.Version));
        Assert.Equal([1, 2, 3], OrderTimeline.Until(events, null).Select(e => e.Version));
        Assert.Empty(OrderTimeline.Until(events, t0.AddTicks(-1)));
        Assert.Equal("Payment authorized", OrderTimeline.Label("payment_authorized"));
    }

    [GeneratedRegex(@"T(?:\[""|\.Format\("")(?<text>[^""]+)""")]
    private static partial Regex Asked();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Agora.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository's root (Agora.slnx) is not above " + AppContext.BaseDirectory);
    }
}
