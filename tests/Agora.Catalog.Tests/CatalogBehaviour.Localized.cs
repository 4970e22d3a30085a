using System.Net;
using System.Text.Json.Nodes;

namespace Agora.Catalog.Tests;

/// <summary>Korean beside English (issue 15): the seeded catalogue has both, and writes keep, set and remove the Korean text.</summary>
public abstract partial class CatalogBehaviour
{
    [Fact]
    public async Task Localized_SeededCategoriesAndProducts_HaveKoreanNamesAndDescriptions_OnV1AndV2()
    {
        var categories = (await (await Client.GetAsync("/api/v1/categories")).BodyAsync())["data"]!.AsArray();
        var fashion = categories.Single(c => (string?)c!["slug"] == "fashion")!;
        Assert.Equal("Fashion", (string?)fashion["name"]);
        Assert.Equal("패션", (string?)fashion["localized"]!["ko"]!["name"]);
        Assert.All(categories, c => Assert.False(string.IsNullOrEmpty((string?)c!["localized"]!["ko"]!["name"])));

        var product = (await (await Client.GetAsync($"/api/v1/categories/{fashion["id"]}/products?sort=name&per_page=1")).BodyAsync())["data"]![0]!;
        var ko = product["localized"]!["ko"]!;
        Assert.Matches(@"^\p{IsHangulSyllables}", (string)ko["name"]!);
        Assert.Contains("패션", (string)ko["description"]!, StringComparison.Ordinal);
        var v1 = (await (await Client.GetAsync($"/api/v1/products/{product["id"]}")).BodyAsync())["data"]!;
        var v2 = (await (await Client.GetAsync($"/api/v2/products/{product["id"]}")).BodyAsync())["data"]!;
        Assert.True(JsonNode.DeepEquals(product["localized"], v1["localized"]));
        Assert.True(JsonNode.DeepEquals(product["localized"], v2["localized"]));
    }

    [Fact]
    public async Task Localized_PatchSetsAndRemoves_PutWithoutItKeepsIt_UnknownLocaleIs422()
    {
        var p = await CreateProductAsync();
        var id = (string)p["id"]!;
        Assert.Empty(p["localized"]!.AsObject());

        var set = await Client.PatchAsync($"/api/v1/products/{id}",
            Json.Raw("""{"localized": {"ko": {"name": "시험용 주전자", "description": "테스트"}}}""", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("시험용 주전자", (string?)(await (await Client.GetAsync($"/api/v1/products/{id}")).BodyAsync())["data"]!["localized"]!["ko"]!["name"]);

        var put = await Client.PutAsync($"/api/v1/products/{id}", Json.Of(new
        {
            sku = (string)p["sku"]!, name = "Renamed Kettle", description = "English only", category_id = (string)p["category_id"]!,
            price = new { amount = "50000", currency = "KRW" }, status = "active",
        }));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("시험용 주전자", (string?)(await put.BodyAsync())["data"]!["localized"]!["ko"]!["name"]);

        await (await Client.PatchAsync($"/api/v1/products/{id}",
            Json.Raw("""{"localized": {"fr": {"name": "Bouilloire"}}}""", "application/merge-patch+json"))).AssertErrorAsync(422, "VALIDATION_ERROR");

        var removed = await Client.PatchAsync($"/api/v1/products/{id}", Json.Raw("""{"localized": {"ko": null}}""", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Empty((await (await Client.GetAsync($"/api/v1/products/{id}")).BodyAsync())["data"]!["localized"]!.AsObject());
    }
}
