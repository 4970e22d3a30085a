using Agora.Web.Components;
using Agora.Web.Features.Shop;
using Bunit;

namespace Agora.Web.Tests;

/// <summary>The product cards: price per currency, and Catalog's availability shown when it is sent, nothing when not.</summary>
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
        var grid = _context.Render<ProductGrid>(p => p.Add(g => g.Products, products));

        var cards = grid.FindAll("li.card");
        Assert.Equal(2, cards.Count);
        Assert.Contains("₩32,000", cards[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("Only 3 left", cards[0].QuerySelector(".availability.low_stock")!.TextContent);
        Assert.Contains("$19.99", cards[1].TextContent, StringComparison.Ordinal);
        Assert.Null(cards[1].QuerySelector(".availability"));
        Assert.Equal("/products/prd_2", cards[1].QuerySelector("a")!.GetAttribute("href"));
    }

    public void Dispose() => _context.Dispose();
}
