using System.Net;
using System.Text.Json.Nodes;
using Agora.Search.Tests.Infrastructure;

namespace Agora.Search.Tests;

/// <summary>Search's behaviour against a real Catalog, run once per mode by the two subclasses below.</summary>
public abstract partial class SearchBehaviour(SearchFixture fixture)
{
    private ShopUnderTest Shop => fixture.Shop;

    private string Id(string key) => fixture.Ids[key];

    private static string Q(string text) => "q=" + Uri.EscapeDataString(text);

    // ---- relevance: a fixed set of queries with their expected top results ----

    [Theory]
    [InlineData("wireless noise cancelling headphones", "aurora")]
    [InlineData("aurora wirless headphnes", "aurora")] // two typos
    [InlineData("AUR-WH-1000", "aurora")] // a SKU
    [InlineData("bluetooth speaker", "speaker")]
    [InlineData("espresso", "espresso")] // in the name beats in the description (the frother)
    [InlineData("무선 이어폰", "galaxy")] // Korean, spaced as in the name
    [InlineData("배추김치", "kimchi")] // a Korean compound
    [InlineData("napa 김치", "kimchi")] // mixed scripts (not "kimchi 김치": seeded products are named Kimchi / 김치 in both languages now)
    public async Task Search_FixedQuery_ExpectedProductFirst(string query, string expected)
    {
        var ids = await Shop.SearchIdsAsync(Q(query));
        Assert.True(ids.Count > 0 && ids[0] == Id(expected), $"'{query}': expected {expected} ({Id(expected)}) first, got [{string.Join(", ", ids.Take(5))}]");
    }

    [Fact]
    public async Task Search_Espresso_NameMatchFirstThenDescriptionMatch()
    {
        var ids = await Shop.SearchIdsAsync(Q("espresso"));
        Assert.Equal([Id("espresso"), Id("frother")], ids);
    }

    [Fact]
    public async Task Search_KoreanWord_FindsItInsideCompoundsToo()
    {
        var ids = await Shop.SearchIdsAsync(Q("이어폰"));
        Assert.Equal(new[] { Id("galaxy"), Id("compound") }.Order(), ids.Order());
    }

    [Fact]
    public async Task Search_KoreanNoSpaces_MatchesSpacedName()
    {
        // "무선이어폰" written without the space still finds the product whose name has "무선 이어폰".
        var ids = await Shop.SearchIdsAsync(Q("무선이어폰"));
        Assert.Contains(Id("galaxy"), ids);
        Assert.Contains(Id("compound"), ids);
    }

    [Fact]
    public async Task Search_Typo_ExactMatchRanksAboveFuzzyMatch()
    {
        // "headphones" matches the seeded "… Headphones …" and the Aurora exactly; "headphone" (one letter short) only fuzzily.
        var body = await Shop.SearchAsync(Q("headphone") + "&per_page=100");
        Assert.NotEmpty(body["data"]!["items"]!.AsArray());
        var exact = await Shop.SearchAsync(Q("headphones") + "&per_page=1");
        var fuzzy = body["data"]!["items"]![0]!;
        Assert.True((float)exact["data"]!["items"]![0]!["score"]! > (float)fuzzy["score"]!, "an exact match scores above a one-edit match");
    }

    [Fact]
    public async Task Search_UnrelatedWords_NoResults()
    {
        var body = await Shop.SearchAsync(Q("zzyzx quantum"));
        Assert.Empty(body["data"]!["items"]!.AsArray());
        Assert.Equal(0, (long)body["pagination"]!["total"]!);
    }

    // ---- highlights ----

    [Fact]
    public async Task Search_Highlights_MatchedWordsInEm()
    {
        var hit = (await Shop.SearchAsync(Q("wireless headphones")))["data"]!["items"]![0]!;
        Assert.Equal("Aurora <em>Wireless</em> Noise-Cancelling <em>Headphones</em>", (string)hit["highlights"]!["name"]!);
        Assert.Contains("<em>headphones</em>", (string)hit["highlights"]!["description"]!);
    }

    [Fact]
    public async Task Search_Highlights_KoreanWordWhole()
    {
        var hit = (await Shop.SearchAsync(Q("이어폰")))["data"]!["items"]!.AsArray().Single(i => (string)i!["id"]! == Id("galaxy"))!;
        Assert.Equal("갤럭시 무선 <em>이어폰</em> 프로", (string)hit["highlights"]!["name"]!);
    }

    [Fact]
    public async Task Search_Highlights_TypoHighlightsTheRealWord()
    {
        var hit = (await Shop.SearchAsync(Q("aurora wirless")))["data"]!["items"]![0]!;
        Assert.Contains("<em>Wireless</em>", (string)hit["highlights"]!["name"]!);
    }

    [Fact]
    public async Task Search_Highlights_HtmlInProductTextIsEscaped()
    {
        var hit = (await Shop.SearchAsync(Q("tom jerry deluxe mug")))["data"]!["items"]![0]!;
        Assert.Equal(Id("markup"), (string)hit["id"]!);
        Assert.Equal("<em>Tom</em> &amp; <em>Jerry</em> &lt;<em>Deluxe</em>&gt; <em>Mug</em>", (string)hit["highlights"]!["name"]!);
        Assert.Equal("Tom & Jerry <Deluxe> Mug", (string)hit["name"]!);
    }

    // ---- filters and facets ----

    [Fact]
    public async Task Search_CategoryFilter_OnlyThatCategory_FacetsStillCountOthers()
    {
        var body = await Shop.SearchAsync(Q("wireless") + "&category=" + fixture.FirstCategory + "&per_page=100");
        var items = body["data"]!["items"]!.AsArray();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal(fixture.FirstCategory, (string)i!["category_id"]!));
        Assert.Equal(items.Count, (long)body["pagination"]!["total"]!);
    }

    [Fact]
    public async Task Search_Facets_CountEveryMatchPerCategory()
    {
        var body = await Shop.SearchAsync(Q("kimchi") + "&per_page=100");
        var items = body["data"]!["items"]!.AsArray();
        var expected = items.GroupBy(i => (string)i!["category_id"]!).ToDictionary(g => g.Key, g => g.Count());
        var facets = body["data"]!["facets"]!["categories"]!.AsArray()
            .ToDictionary(f => (string)f!["category_id"]!, f => (int)f!["count"]!);
        Assert.Equal(expected.OrderBy(kv => kv.Key), facets.OrderBy(kv => kv.Key));
        Assert.True(facets.Count >= 1);

        // With a category filter the facets still show the other categories' counts (to switch to them).
        var filtered = await Shop.SearchAsync(Q("kimchi") + "&category=" + fixture.SecondCategory);
        var filteredFacets = filtered["data"]!["facets"]!["categories"]!.AsArray()
            .ToDictionary(f => (string)f!["category_id"]!, f => (int)f!["count"]!);
        Assert.Equal(facets, filteredFacets);
        Assert.Equal(facets.GetValueOrDefault(fixture.SecondCategory), (long)filtered["pagination"]!["total"]!);
    }

    [Fact]
    public async Task Search_PriceRange_OnlyPricesInside()
    {
        var items = (await Shop.SearchAsync(Q("wireless") + "&min_price=50000&max_price=200000&per_page=100"))["data"]!["items"]!.AsArray();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.InRange(decimal.Parse((string)i!["price"]!["amount"]!, System.Globalization.CultureInfo.InvariantCulture), 50_000m, 200_000m));
        var ids = items.Select(i => (string)i!["id"]!).ToList();
        Assert.Contains(Id("speaker"), ids); // 89,000
        Assert.DoesNotContain(Id("aurora"), ids); // 329,000
    }

    [Fact]
    public async Task Search_InStock_ExcludesProductsWithoutStock()
    {
        Assert.Contains(Id("budget"), await Shop.SearchIdsAsync(Q("earbuds")));
        Assert.DoesNotContain(Id("budget"), await Shop.SearchIdsAsync(Q("earbuds") + "&in_stock=true"));
        var hit = (await Shop.SearchAsync(Q("BUD-EAR-01")))["data"]!["items"]![0]!;
        Assert.False((bool)hit["in_stock"]!);
        Assert.Equal(0, (int)hit["available"]!);
    }

    // ---- sorting and pagination ----

    [Theory]
    [InlineData("price")]
    [InlineData("-price")]
    public async Task Search_SortByPrice_Ordered(string sort)
    {
        var prices = (await Shop.SearchAsync(Q("headphones") + "&sort=" + sort + "&per_page=100"))["data"]!["items"]!.AsArray()
            .Select(i => decimal.Parse((string)i!["price"]!["amount"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(prices.Count >= 3);
        Assert.Equal(sort == "price" ? prices.Order() : prices.OrderDescending(), prices);
    }

    [Fact]
    public async Task Search_SortNewest_CorpusInCreationOrder()
    {
        // Other tests add products to the same shop meanwhile: look at the corpus's order among the newest.
        var corpus = Corpus.Items.Select(i => Id(i.Key)).ToHashSet();
        var ids = (await Shop.SearchIdsAsync("sort=-created_at&per_page=100")).Where(corpus.Contains);
        Assert.Equal(Corpus.Items.Select(i => Id(i.Key)).Reverse(), ids);
    }

    [Theory]
    [InlineData("q=headphones")]
    [InlineData("q=headphones&sort=price")]
    [InlineData("q=headphones&sort=-created_at")]
    [InlineData("sort=-price&category=")]
    public async Task Search_FollowingCursors_SameAsOneBigPage(string query)
    {
        query = query.Replace("category=", "category=" + fixture.FirstCategory, StringComparison.Ordinal);
        var whole = await Shop.SearchAsync(query + "&per_page=100");
        var expected = whole["data"]!["items"]!.AsArray().Select(i => (string)i!["id"]!).ToList();
        var total = (long)whole["pagination"]!["total"]!;
        Assert.True(total is > 7 and <= 100, $"the query should have a few pages ({total})");

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Shop.SearchAsync(query + "&per_page=7" + (cursor is null ? "" : "&cursor=" + cursor));
            Assert.Equal(total, (long)page["pagination"]!["total"]!);
            seen.AddRange(page["data"]!["items"]!.AsArray().Select(i => (string)i!["id"]!));
            cursor = (string?)page["pagination"]!["next_cursor"];
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
    }

    // ---- bad input ----

    [Theory]
    [InlineData("per_page=0", "per_page")]
    [InlineData("per_page=101", "per_page")]
    [InlineData("sort=name", "sort")]
    [InlineData("min_price=-1", "min_price")]
    [InlineData("min_price=500&max_price=100", "max_price")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("category=%3Cscript%3E", "category")]
    public async Task Search_InvalidParameter_422WithFieldDetail(string query, string field)
    {
        var error = await (await Shop.Search.GetAsync("/api/v1/search/products?" + query)).AssertErrorAsync(422, "VALIDATION_ERROR");
        Assert.Contains(error["details"]!.AsArray(), d => (string)d!["field"]! == field);
    }

    [Fact]
    public async Task Search_QueryTooLong_422()
    {
        var error = await (await Shop.Search.GetAsync("/api/v1/search/products?" + Q(new string('a', 201)))).AssertErrorAsync(422, "VALIDATION_ERROR");
        Assert.Equal("q", (string)error["details"]![0]!["field"]!);
    }

    [Theory]
    [InlineData("in_stock=maybe")]
    [InlineData("min_price=cheap")]
    [InlineData("per_page=ten")]
    public async Task Search_UnparsableParameter_400InvalidParameter(string query) =>
        await (await Shop.Search.GetAsync("/api/v1/search/products?" + query)).AssertErrorAsync(400, "INVALID_PARAMETER");

    [Fact]
    public async Task Search_CursorOfAnotherQuery_422()
    {
        var cursor = (string)(await Shop.SearchAsync(Q("headphones") + "&per_page=2"))["pagination"]!["next_cursor"]!;
        await (await Shop.Search.GetAsync("/api/v1/search/products?" + Q("speaker") + "&per_page=2&cursor=" + cursor)).AssertErrorAsync(422, "VALIDATION_ERROR");
        await (await Shop.Search.GetAsync("/api/v1/search/products?" + Q("headphones") + "&sort=price&per_page=2&cursor=" + cursor)).AssertErrorAsync(422, "VALIDATION_ERROR");
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("title:(+foo AND -bar*) OR ~")]
    [InlineData("*")]
    [InlineData("!!!")]
    public async Task Search_QuerySyntaxCharacters_TreatedAsText(string text)
    {
        var response = await Shop.Search.GetAsync("/api/v1/search/products?" + Q(text));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // ---- following Catalog ----

    [Fact]
    public async Task CatalogUpdate_RenamedProductFoundByItsNewNameOnly()
    {
        var id = await Shop.CreateProductAsync("UPD-" + Guid.NewGuid().ToString("N")[..8], "Plain Lantern", "A lantern.", fixture.FirstCategory, 30_000, 4);
        await Poll.UntilAsync(async () => (await Shop.SearchIdsAsync(Q("plain lantern"))).Contains(id), "the new product", TimeSpan.FromSeconds(10));

        var word = "Zephyrine" + Guid.NewGuid().ToString("N")[..6];
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}") { Content = Json.Raw($"{{\"name\": \"{word} Lantern\"}}", "application/merge-patch+json") };
        var patched = await Shop.Catalog.SendAsync(patch);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        await Poll.UntilAsync(async () => (await Shop.SearchIdsAsync(Q(word))).SequenceEqual([id]), "the renamed product");
        Assert.DoesNotContain(id, await Shop.SearchIdsAsync(Q("plain lantern")));
    }

    [Fact]
    public async Task CatalogDelete_ProductLeavesTheIndex()
    {
        var sku = "DEL-" + Guid.NewGuid().ToString("N")[..8];
        var id = await Shop.CreateProductAsync(sku, "Doomed Teacup", "Soon gone.", fixture.FirstCategory, 5_000, 1);
        await Poll.UntilAsync(async () => (await Shop.SearchIdsAsync(Q(sku))).Contains(id), "the new product", TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.NoContent, (await Shop.Catalog.DeleteAsync($"/api/v1/products/{id}")).StatusCode);
        await Poll.UntilAsync(async () => (await Shop.SearchIdsAsync(Q(sku))).Count == 0, "the deleted product gone");
    }

    [Fact]
    public async Task CatalogStockToZero_InStockFilterDropsIt()
    {
        var sku = "STK-" + Guid.NewGuid().ToString("N")[..8];
        var id = await Shop.CreateProductAsync(sku, "Stocky Candle", "Wax.", fixture.FirstCategory, 7_000, 3);
        await Poll.UntilAsync(async () => (await Shop.SearchIdsAsync(Q(sku) + "&in_stock=true")).Contains(id), "the product in stock", TimeSpan.FromSeconds(10));
        var put = await Shop.Catalog.PutAsync($"/api/v1/products/{id}/inventory", Json.Of(new { available = 0 }));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await Poll.UntilAsync(async () => (await Shop.SearchIdsAsync(Q(sku) + "&in_stock=true")).Count == 0, "the product out of stock");
        Assert.Equal([id], await Shop.SearchIdsAsync(Q(sku)));
    }

    [Fact]
    public async Task CatalogDraft_NotSearchable()
    {
        var sku = "DRF-" + Guid.NewGuid().ToString("N")[..8];
        var id = await Shop.CreateProductAsync(sku, "Hidden Vase", "Draft.", fixture.FirstCategory, 7_000, 3);
        await Poll.UntilAsync(async () => (await Shop.SearchIdsAsync(Q(sku))).Contains(id), "the product", TimeSpan.FromSeconds(10));
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}") { Content = Json.Raw("{\"status\": \"draft\"}", "application/merge-patch+json") };
        Assert.Equal(HttpStatusCode.OK, (await Shop.Catalog.SendAsync(patch)).StatusCode);
        await Poll.UntilAsync(async () => (await Shop.SearchIdsAsync(Q(sku))).Count == 0, "the draft hidden");
    }

    // ---- rebuild ----

    [Fact]
    public async Task Rebuild_Anonymous_401_Customer_403()
    {
        await (await Shop.Search.PostAsync("/api/v1/admin/search/rebuild", null)).AssertErrorAsync(401, "UNAUTHORIZED");
        using var customer = Shop.SearchApp.CreateDefaultClient(new BearerTokenHandler(() => Shop.Identity.Token().Roles("customer").Build()));
        await (await customer.PostAsync("/api/v1/admin/search/rebuild", null)).AssertErrorAsync(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Rebuild_FromCatalog_SameResults()
    {
        string[] queries =
        [
            Q("wireless headphones") + "&per_page=50", Q("무선 이어폰"), Q("kimchi") + "&per_page=100", "sort=-created_at&per_page=100",
            "sort=price&per_page=100&in_stock=true", Q("espresso") + "&min_price=20000", Q("aurora wirless"),
        ];
        var before = new List<string>();
        foreach (var q in queries)
        {
            before.Add(Comparable(await Shop.SearchAsync(q)));
        }

        var response = await Shop.SearchAdmin.PostAsync("/api/v1/admin/search/rebuild", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var products = (int)(await response.BodyAsync())["data"]!["products"]!;

        // Catalog streams what an anonymous caller may see: the active products (drafts are staff's, and never searchable).
        var active = (long)(await (await Shop.Catalog.GetAsync("/api/v1/products?status=active&per_page=1")).BodyAsync())["pagination"]!["total"]!;
        Assert.True(active >= 1000, $"{active} active products");
        Assert.Equal(active, products);

        for (var i = 0; i < queries.Length; i++)
        {
            Assert.Equal(before[i], Comparable(await Shop.SearchAsync(queries[i])));
        }
    }

    /// <summary>A response without what may legitimately differ (meta, scores, cursors of relevance-sorted pages).</summary>
    private static string Comparable(JsonNode body)
    {
        var data = body["data"]!.DeepClone();
        foreach (var item in data["items"]!.AsArray())
        {
            item!.AsObject().Remove("score");
        }

        return data.ToJsonString() + "|" + (long)body["pagination"]!["total"]!;
    }
}

[Collection("embedded")]
public sealed class EmbeddedSearchTests(EmbeddedSearchFixture fixture) : SearchBehaviour(fixture), IClassFixture<EmbeddedSearchFixture>;

[Collection("distributed")]
public sealed class DistributedSearchTests(DistributedSearchFixture fixture) : SearchBehaviour(fixture), IClassFixture<DistributedSearchFixture>;
