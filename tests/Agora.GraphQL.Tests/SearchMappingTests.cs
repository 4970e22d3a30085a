using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Agora.GraphQL.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static Agora.GraphQL.Tests.Infrastructure.GraphQLAssert;

namespace Agora.GraphQL.Tests;

/// <summary>
/// <c>search</c> against Search's published response shape (contracts/openapi/search.v1.json on the search branch:
/// <c>data.items[]</c> with <c>id</c>, <c>score</c>, <c>highlights</c>; <c>data.facets.categories[]</c>). The Search
/// service is built beside this library, so here a stand-in answers that route with hits that name real products of the
/// real Catalog: what is tested is the BFF's side — the query string it sends, and hits resolved to Catalog's products in
/// one batch. Replace the stand-in with the real service once both are merged.
/// </summary>
[Collection(nameof(EmbeddedShop))]
public sealed class SearchMappingTests(EmbeddedShopFixture shop)
{
    [Fact]
    public async Task Search_HitsResolvedThroughCatalogInOneBatch_FacetsAndHighlightsPassedOn()
    {
        var asked = new ConcurrentQueue<string>();
        var (p0, p1) = (shop.Products[0], shop.Products[1]);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseTestServer();
        builder.Services.AddRoutingCore();
        await using var search = builder.Build();
        search.MapGet("/api/v1/search/products", (HttpRequest request) =>
        {
            asked.Enqueue(request.QueryString.Value!);
            return Results.Text(new JsonObject
            {
                ["data"] = new JsonObject
                {
                    ["items"] = new JsonArray(
                        new JsonObject { ["id"] = p1.Id, ["name"] = "stale name", ["score"] = 7.5, ["highlights"] = new JsonObject { ["name"] = "<em>Classic</em>" } },
                        new JsonObject { ["id"] = p0.Id, ["name"] = "stale name", ["score"] = 3.25 }),
                    ["facets"] = new JsonObject { ["categories"] = new JsonArray(new JsonObject { ["category_id"] = "cat_none", ["count"] = 2 }) },
                },
                ["pagination"] = new JsonObject { ["per_page"] = 2, ["total"] = 41, ["next_cursor"] = "abc" },
                ["meta"] = new JsonObject { ["request_id"] = "r" },
            }.ToJsonString(), "application/json");
        });
        await search.StartAsync();
        var backends = shop.Backends with { Search = search.GetTestServer().CreateHandler };
        await using var host = await GraphQLHost.StartAsync(backends);

        var data = Data(await host.QueryAsync("""
            { search(q: "classic cap", inStock: true, minPrice: "1000", sort: "-price", limit: 2, after: "xyz") {
                total nextCursor categoryFacets { categoryId count }
                items { productId score highlights { name } product { name price { amount } } } } }
            """));

        Assert.Equal("?q=classic%20cap&per_page=2&min_price=1000&in_stock=true&sort=-price&cursor=xyz", asked.Single());
        var result = data["search"]!;
        Assert.Equal((41, "abc"), ((int)result["total"]!, (string?)result["nextCursor"]));
        Assert.Equal(2, (int)result["categoryFacets"]![0]!["count"]!);
        var items = result["items"]!.AsArray();
        Assert.Equal([p1.Id, p0.Id], items.Select(i => (string)i!["productId"]!));
        Assert.Equal([p1.Name, p0.Name], items.Select(i => (string)i!["product"]!["name"]!)); // Catalog's, not the index's
        Assert.Equal(7.5, (double)items[0]!["score"]!);
        Assert.Equal("<em>Classic</em>", (string?)items[0]!["highlights"]!["name"]);
        Assert.Null(items[1]!["highlights"]);
        Assert.Equal(1, host.Calls.Count("search"));
        Assert.Equal(1, host.Calls.Count("catalog-grpc"));
    }
}
