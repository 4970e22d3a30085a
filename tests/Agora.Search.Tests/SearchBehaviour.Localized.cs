using System.Net;
using System.Text.Json.Nodes;

namespace Agora.Search.Tests;

/// <summary>
/// The seeded catalogue in Korean and English (issue 15): Search indexes both languages of every product, from the
/// initial build (Catalog's StreamProducts) and from Catalog's events, so a Korean query finds the seeded products.
/// </summary>
public abstract partial class SearchBehaviour
{
    /// <summary>Seeded Fashion products that are searchable: 90, less 3 discontinued and 1 draft.</summary>
    private const int ActiveSeededFashionProducts = 86;

    private async Task<JsonNode> FashionAsync()
    {
        var categories = (await (await Shop.Catalog.GetAsync("/api/v1/categories?per_page=100")).BodyAsync())["data"]!.AsArray();
        return categories.Single(c => (string?)c!["slug"] == "fashion")!;
    }

    [Fact]
    public async Task Search_KoreanCategoryName_FindsTheSeededProductsOfThatCategory()
    {
        var fashion = await FashionAsync();
        Assert.Equal("패션", (string?)fashion["localized"]!["ko"]!["name"]); // Catalog's category resource carries it too
        var body = await Shop.SearchAsync(Q("패션") + "&per_page=100");
        var items = body["data"]!["items"]!.AsArray();

        Assert.Equal(ActiveSeededFashionProducts, (long)body["pagination"]!["total"]!);
        Assert.All(items, i => Assert.Equal((string?)fashion["id"], (string?)i!["category_id"]));
        Assert.All(items, i => Assert.Contains("패션", (string)i!["localized"]!["ko"]!["description"]!, StringComparison.Ordinal));
        Assert.Equal(fashion["id"]!.GetValue<string>(), Assert.Single(body["data"]!["facets"]!["categories"]!.AsArray())!["category_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_SeededProductsKoreanName_FindsThatProductFirst_AndItsEnglishNameStillDoes()
    {
        var fashion = (string)(await FashionAsync())["id"]!;
        var product = (await (await Shop.Catalog.GetAsync($"/api/v1/categories/{fashion}/products?sort=name&per_page=1")).BodyAsync())["data"]![0]!;
        var korean = (string)product["localized"]!["ko"]!["name"]!; // e.g. "클래식 블랙 재킷 01"
        Assert.Matches(@"\p{IsHangulSyllables}", korean);

        var ids = await Shop.SearchIdsAsync(Q(korean));
        Assert.True(ids.Count > 0 && ids[0] == (string)product["id"]!, $"'{korean}': expected {product["id"]} first, got [{string.Join(", ", ids.Take(5))}]");
        var english = await Shop.SearchIdsAsync(Q((string)product["name"]!));
        Assert.Equal((string)product["id"]!, english[0]);
        var hit = (await Shop.SearchAsync(Q(korean)))["data"]!["items"]![0]!;
        Assert.Equal(korean, (string?)hit["localized"]!["ko"]!["name"]);
    }

    [Fact]
    public async Task CatalogEvents_KoreanTextFollowsChanges_APriceChangeKeepsIt_APatchReplacesIt()
    {
        var sku = "KOR-" + Guid.NewGuid().ToString("N")[..8];
        var id = await Shop.CreateProductAsync(sku, "Quiet Desk Fan", "A fan.", fixture.FirstCategory, 25_000, 5);
        var word = "탁상선풍기" + Guid.NewGuid().ToString("N")[..4];
        using (var named = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}")
        {
            Content = Json.Raw("{\"localized\": {\"ko\": {\"name\": \"" + word + "\", \"description\": \"조용한 바람\"}}}", "application/merge-patch+json"),
        })
        {
            var response = await Shop.Catalog.SendAsync(named);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(word, (string?)(await response.BodyAsync())["data"]!["localized"]!["ko"]!["name"]);
        }

        await Poll.UntilAsync(async () => (await Shop.SearchIdsAsync(Q(word))).SequenceEqual([id]), "the product by its Korean name");

        // ProductUpdated for a price change carries the Korean text along: the entry keeps it.
        using (var price = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}")
        {
            Content = Json.Raw("""{"price": {"amount": "26000", "currency": "KRW"}}""", "application/merge-patch+json"),
        })
        {
            Assert.Equal(HttpStatusCode.OK, (await Shop.Catalog.SendAsync(price)).StatusCode);
        }

        await Poll.UntilAsync(async () => (string?)(await Shop.SearchAsync(Q(sku)))["data"]!["items"]![0]!["price"]!["amount"] == "26000", "the new price");
        Assert.Equal([id], await Shop.SearchIdsAsync(Q(word)));

        using (var removed = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}")
        {
            Content = Json.Raw("""{"localized": {"ko": null}}""", "application/merge-patch+json"),
        })
        {
            Assert.Equal(HttpStatusCode.OK, (await Shop.Catalog.SendAsync(removed)).StatusCode);
        }

        await Poll.UntilAsync(async () => (await Shop.SearchIdsAsync(Q(word))).Count == 0, "the Korean name gone");
        Assert.Equal([id], await Shop.SearchIdsAsync(Q(sku)));
    }
}
