using System.Globalization;
using System.Text;

namespace Agora.GraphQL.Backends;

/// <summary>Arguments of <c>search</c> (Search's <c>GET /api/v1/search/products</c> query parameters).</summary>
public sealed record SearchQuery(string Q, string? CategoryId, string? MinPrice, string? MaxPrice, bool? InStock, string? Sort, int Limit, string? After);

/// <summary>
/// Full-text search from the Search service (<c>GET /api/v1/search/products?q=</c>, whose <c>data</c> is
/// <c>{items: [{id, …, score, highlights}], facets: {categories: [{category_id, count}]}}</c>). Only ids, scores,
/// highlights and facets are read from it; the products themselves come from Catalog (batched), so a hit always shows
/// the current price and stock. When Search is down the field fails with SERVICE_UNAVAILABLE and the rest of the
/// query is still answered.
/// </summary>
internal sealed class SearchBackend(RestBackend rest)
{
    public const string Service = "search";

    public async Task<SearchPageModel> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        var path = new StringBuilder("/api/v1/search/products?q=").Append(Uri.EscapeDataString(query.Q))
            .Append("&per_page=").Append(query.Limit.ToString(CultureInfo.InvariantCulture));
        CatalogBackend.Append(path, "category", query.CategoryId);
        CatalogBackend.Append(path, "min_price", query.MinPrice);
        CatalogBackend.Append(path, "max_price", query.MaxPrice);
        CatalogBackend.Append(path, "in_stock", query.InStock is { } s ? (s ? "true" : "false") : null);
        CatalogBackend.Append(path, "sort", query.Sort);
        CatalogBackend.Append(path, "cursor", query.After);
        var page = await rest.GetAsync<SearchData>(Service, path.ToString(), ct);
        var items = page?.Data?.Items ?? [];
        return new SearchPageModel(items, page?.Data?.Facets?.Categories ?? [], page?.Pagination?.Total ?? items.Count, page?.Pagination?.NextCursor);
    }

    private sealed record SearchData(List<SearchHitModel>? Items, FacetsData? Facets);

    private sealed record FacetsData(List<CategoryCountModel>? Categories);
}
