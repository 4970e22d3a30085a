using Agora.Web.Components;
using Agora.Web.Features.Language;
using Agora.Web.Features.Shop;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Web.Tests;

/// <summary>
/// The product cards: price per currency, Catalog's availability shown when it is sent (nothing when not), in English or
/// in Korean with the catalogue's Korean names.
/// </summary>
public sealed class ProductGridTests : IDisposable
{
    private readonly BunitContext _context = new();

    [Fact]
    public void ShowsAvailability_WhenCatalogSendsIt_AndDegradesWhenItDoesNot()
    {
        Product[] products =
        [
            new("prd_1", "S-1", "Teapot", "", "cat_1", new Money("32000", "KRW"), "active", new Availability("low_stock", 3)),
            new("prd_2", "S-2", "Kettle", "", "cat_1", new Money("19.99", "USD"), "active", null),
        ];
        _context.Services.AddSingleton(Texts.English);
        var grid = _context.Render<ProductGrid>(p => p.Add(g => g.Products, products));

        var cards = grid.FindAll("li.card");
        Assert.Equal(2, cards.Count);
        Assert.Contains("₩32,000", cards[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("Only 3 left", cards[0].QuerySelector(".availability.low_stock")!.TextContent);
        Assert.Contains("$19.99", cards[1].TextContent, StringComparison.Ordinal);
        Assert.Null(cards[1].QuerySelector(".availability"));
        Assert.Equal("/products/prd_2", cards[1].QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void InKorean_ShowsTheKoreanNames_AndTheEnglishWhereThereIsNone()
    {
        Product[] products =
        [
            new("prd_1", "S-1", "Classic Black Jacket 01", "", "cat_1", new Money("32000", "KRW"), "active", new Availability("low_stock", 3),
                new Dictionary<string, LocalizedText> { ["ko"] = new("클래식 블랙 재킷 01", "품질과 가치로 고른 패션 인기 상품.") }),
            new("prd_2", "S-2", "Kettle", "", "cat_1", new Money("19000", "KRW"), "active", new Availability("out_of_stock", 0)),
        ];
        _context.Services.AddSingleton(Texts.Korean);
        var grid = _context.Render<ProductGrid>(p => p.Add(g => g.Products, products));

        var cards = grid.FindAll("li.card");
        Assert.Equal("클래식 블랙 재킷 01", cards[0].QuerySelector("a")!.TextContent);
        Assert.Equal("3개 남음", cards[0].QuerySelector(".availability")!.TextContent);
        Assert.Equal("Kettle", cards[1].QuerySelector("a")!.TextContent);
        Assert.Equal("품절", cards[1].QuerySelector(".availability")!.TextContent);
    }

    public void Dispose() => _context.Dispose();
}
