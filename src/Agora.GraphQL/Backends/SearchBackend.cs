using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Agora.GraphQL.Backends;

/// <summary>Arguments of <c>search</c> (Search's <c>GET /api/v1/search/products</c> query parameters).</summary>
public sealed record SearchQuery(string Q, string? CategoryId, string? MinPrice, string? MaxPrice, bool? InStock, string? Sort, int Limit, string? After);

/// <summary>
/// Full-text search from the Search service (<c>GET /api/v1/search/products?q=</c>). Only the hits' ids, scores and
/// highlights are read from it; the products themselves come from Catalog (batched), so a hit always shows the
/// current price and stock. When Search is down the field fails with SERVICE_UNAVAILABLE and the rest of the query
/// is still answered.
/// </summary>
internal sealed class SearchBackend(RestBackend rest)
{
    public const string Service = "search";

    public async Task<PageModel<SearchHitModel>> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        var path = new StringBuilder("/api/v1/search/products?q=").Append(Uri.EscapeDataString(query.Q))
            .Append("&per_page=").Append(query.Limit.ToString(CultureInfo.InvariantCulture));
        CatalogBackend.Append(path, "category", query.CategoryId);
        CatalogBackend.Append(path, "min_price", query.MinPrice);
        CatalogBackend.Append(path, "max_price", query.MaxPrice);
        CatalogBackend.Append(path, "in_stock", query.InStock is { } s ? (s ? "true" : "false") : null);
        CatalogBackend.Append(path, "sort", query.Sort);
        CatalogBackend.Append(path, "cursor", query.After);
        var page = await rest.GetAsync<List<JsonElement>>(Service, path.ToString(), ct);
        var hits = new List<SearchHitModel>();
        foreach (var item in page?.Data ?? [])
        {
            if (item.ValueKind == JsonValueKind.Object && (Text(item, "id") ?? Text(item, "product_id")) is { } id)
            {
                hits.Add(new SearchHitModel(id, Number(item, "score"), Highlight(item)));
            }
        }

        return new PageModel<SearchHitModel>(hits, page?.Pagination?.Total ?? hits.Count, page?.Pagination?.NextCursor);
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>The highlighted name if Search gives one: <c>highlight</c> as text, or the <c>name</c> of a <c>highlights</c> object.</summary>
    private static string? Highlight(JsonElement item)
    {
        if (Text(item, "highlight") is { } text)
        {
            return text;
        }

        if (item.TryGetProperty("highlights", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            if (Text(h, "name") is { } name)
            {
                return name;
            }

            if (h.TryGetProperty("name", out var names) && names.ValueKind == JsonValueKind.Array && names.GetArrayLength() > 0
                && names[0].ValueKind == JsonValueKind.String)
            {
                return names[0].GetString();
            }
        }

        return null;
    }
}
