using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Validator = Agora.Http.Validator;

namespace Agora.Catalog.Features.Products;

/// <summary>Query parameters of the product list.</summary>
public sealed class ProductListQuery
{
    /// <summary>Only products of this category id.</summary>
    [FromQuery(Name = "category"), MaxLength(40), RegularExpression(IdPattern.Any), Description("Only products of this category id.")] public string? Category { get; init; }

    /// <summary>Lowest price, inclusive, in the catalogue currency.</summary>
    [FromQuery(Name = "min_price"), Description("Lowest price, inclusive, in the catalogue currency.")] public decimal? MinPrice { get; init; }

    /// <summary>Highest price, inclusive, in the catalogue currency.</summary>
    [FromQuery(Name = "max_price"), Description("Highest price, inclusive, in the catalogue currency.")] public decimal? MaxPrice { get; init; }

    /// <summary><c>active</c>, <c>draft</c> or <c>discontinued</c>.</summary>
    [FromQuery(Name = "status"), MaxLength(12), RegularExpression("^(active|draft|discontinued)$"), Description("Only products with this status: active, draft or discontinued.")] public string? Status { get; init; }

    /// <summary>Case-insensitive text contained in the name.</summary>
    [FromQuery(Name = "q"), MaxLength(100), Description("Case-insensitive text contained in the name.")] public string? Q { get; init; }

    /// <summary><c>created_at</c>, <c>price</c> or <c>name</c>, with <c>-</c> for descending. Default <c>-created_at</c>.</summary>
    [FromQuery(Name = "sort"), MaxLength(11), RegularExpression("^-?(created_at|price|name)$"), Description("created_at, price or name, with - for descending. Default -created_at.")] public string? Sort { get; init; }

    /// <summary>Items per page, 1–100, default 20.</summary>
    [FromQuery(Name = "per_page"), Range(1, Paging.MaxPerPage), Description("Items per page. Default 20.")] public int? PerPage { get; init; }

    /// <summary>Opaque cursor from <c>pagination.next_cursor</c>.</summary>
    [FromQuery(Name = "cursor"), MaxLength(Paging.MaxCursorLength), RegularExpression("^[A-Za-z0-9_-]+$"), Description("Opaque cursor from pagination.next_cursor of a response with the same sort.")] public string? Cursor { get; init; }

    /// <summary>1-based offset page, instead of a cursor.</summary>
    [FromQuery(Name = "page"), Range(1, int.MaxValue), Description("1-based offset page, instead of a cursor.")] public int? Page { get; init; }
}

internal static class ListProducts
{
    private static readonly string[] SortKeys = ["created_at", "price", "name"];

    /// <summary>Keyset position: the sort it belongs to, the last item's sort key and id.</summary>
    internal sealed record Position(string S, string K, string Id);

    public static async Task<Results<ApiOk<IReadOnlyList<ProductDto>>, ApiError>> Handle(
        [AsParameters] ProductListQuery query, CatalogDbContext db, ProductListCache cache, IOptions<CatalogOptions> options,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, query.Page, query.Cursor, v);
        var sort = string.IsNullOrEmpty(query.Sort) ? "-created_at" : query.Sort;
        var descending = sort.StartsWith('-');
        var key = descending ? sort[1..] : sort;
        v.Require(SortKeys.Contains(key), "sort", "One of created_at, price, name, optionally prefixed with '-'.");
        var status = v.Enum<ProductStatus>(query.Status, "status", "One of active, draft, discontinued.");

        v.Require(query.MinPrice is null or >= 0, "min_price", "Must not be negative.");
        v.Require(query.MaxPrice is null or >= 0, "max_price", "Must not be negative.");
        v.Require(query.MinPrice is null || query.MaxPrice is null || query.MinPrice <= query.MaxPrice, "max_price", "Must not be below min_price.");
        v.Require(query.Q is null || query.Q.Length <= 100, "q", "At most 100 characters.");
        var position = Keyset.ReadCursor<Position>(query.Cursor, v, p => p.S == sort && IsSortValue(key, p.K),
            "Invalid cursor; use pagination.next_cursor of a response with the same sort.");

        if (!v.IsValid)
        {
            return v.ToError();
        }

        // Drafts and discontinued products are the back office's business: anyone else lists active products only,
        // whatever the status filter asks (an empty page for another status, so the list leaks nothing).
        if (!CatalogPolicies.MaySeeAll(user))
        {
            if (status is { } asked && asked != ProductStatus.Active)
            {
                return ApiResults.Page<ProductDto>([], Paging.Info(perPage, 0, null, query.Page));
            }

            status = ProductStatus.Active;
        }

        var cacheKey = cache.Key(query.Category, status, query.MinPrice, query.MaxPrice, query.Q, sort, perPage, query.Cursor, query.Page);
        if (cacheKey is not null && cache.TryGet(cacheKey, out var cached))
        {
            return ApiResults.Page(cached!.Items, cached.Pagination);
        }

        var currency = options.Value.Currency;
        var filtered = db.Products.AsNoTracking();
        if (!string.IsNullOrEmpty(query.Category))
        {
            filtered = filtered.Where(p => p.CategoryId == query.Category);
        }

        if (status is { } st)
        {
            filtered = filtered.Where(p => p.Status == st);
        }

        if (query.MinPrice is { } min)
        {
            var m = Currencies.ToMinor(min, currency);
            filtered = filtered.Where(p => p.PriceMinor >= m);
        }

        if (query.MaxPrice is { } max)
        {
            var m = Currencies.ToMinor(max, currency);
            filtered = filtered.Where(p => p.PriceMinor <= m);
        }

        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var needle = query.Q.Trim().ToUpperInvariant();
            filtered = filtered.Where(p => p.NameSearch.Contains(needle));
        }

        var total = await filtered.LongCountAsync(ct);
        var page = ApplyKeyset(filtered, key, descending, position);
        if (query.Page is { } pageNumber)
        {
            page = page.Skip((pageNumber - 1) * perPage);
        }

        var items = await page.Include(p => p.Inventory).Take(perPage + 1).ToListAsync(ct);
        var next = Keyset.TrimToPage(items, perPage, p => new Position(sort, SortValue(p, key), p.Id));

        var threshold = options.Value.LowStockThreshold;
        var result = new ProductPage(items.Select(p => ProductDto.From(p, threshold)).ToList(), Paging.Info(perPage, total, next, query.Page));
        if (cacheKey is not null)
        {
            cache.Set(cacheKey, result);
        }

        return ApiResults.Page(result.Items, result.Pagination);
    }

    /// <summary>True when <paramref name="value"/> is a sort key <see cref="SortValue"/> could have written.</summary>
    private static bool IsSortValue(string key, string value) => key switch
    {
        "price" => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        "name" => true,
        _ => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && Paging.IsTicks(ticks),
    };

    private static string SortValue(Product p, string key) => key switch
    {
        "price" => p.PriceMinor.ToString(CultureInfo.InvariantCulture),
        "name" => p.Name,
        _ => p.CreatedAt.Ticks.ToString(CultureInfo.InvariantCulture),
    };

    private static IQueryable<Product> ApplyKeyset(IQueryable<Product> q, string key, bool descending, Position? after) => key switch
    {
        "price" => q.OrderAfter(p => p.PriceMinor, p => p.Id, descending,
            after is not null && long.TryParse(after.K, CultureInfo.InvariantCulture, out var price) ? (price, after.Id) : null),
        "name" => q.OrderAfter(p => p.Name, p => p.Id, descending, after is null ? null : (after.K, after.Id)),
        _ => q.OrderAfter(p => p.CreatedAt, p => p.Id, descending,
            after is not null && long.TryParse(after.K, CultureInfo.InvariantCulture, out var ticks) ? (new DateTime(ticks, DateTimeKind.Utc), after.Id) : null),
    };
}
