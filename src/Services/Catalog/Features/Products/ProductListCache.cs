using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Caching.Memory;

namespace Agora.Catalog.Features.Products;

/// <summary>One page of the product list as the API returns it. Immutable, so the cache can hand out one instance.</summary>
[ImmutableObject(true)]
public sealed record ProductPage(IReadOnlyList<ProductDto> Items, PaginationInfo Pagination);

/// <summary>
/// Product list pages, kept in this process for <see cref="CatalogOptions.ProductListCacheDuration"/> (default 5 s;
/// zero turns the cache off) and at most <see cref="CatalogOptions.ProductListCacheEntries"/> pages.
/// Every product write of this process invalidates all pages at once: the key carries a generation that a write
/// bumps after it committed, so no reader sees a page from before a write that has returned. Other replicas
/// (distributed mode) see the change when their pages expire, as with the L1 of <see cref="ProductCache"/>.
/// </summary>
public sealed class ProductListCache : IDisposable
{
    private readonly MemoryCache _pages;
    private readonly TimeSpan _duration;
    private long _generation;

    public ProductListCache(IOptions<CatalogOptions> options)
    {
        _duration = options.Value.ProductListCacheDuration;
        _pages = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.ProductListCacheEntries) });
    }

    /// <summary>The key of a page, or null when caching is off. Take it before reading the database.</summary>
    public string? Key(string? category, ProductStatus? status, decimal? minPrice, decimal? maxPrice, string? q, string sort,
        int perPage, string? cursor, int? page)
    {
        if (_duration <= TimeSpan.Zero)
        {
            return null;
        }

        return string.Join('\u001f',
            Interlocked.Read(ref _generation).ToString(CultureInfo.InvariantCulture), category, status?.ToString(),
            minPrice?.ToString(CultureInfo.InvariantCulture), maxPrice?.ToString(CultureInfo.InvariantCulture), q, sort,
            perPage.ToString(CultureInfo.InvariantCulture), cursor, page?.ToString(CultureInfo.InvariantCulture));
    }

    public bool TryGet(string key, out ProductPage? page) => _pages.TryGetValue(key, out page);

    public void Set(string key, ProductPage page) =>
        _pages.Set(key, page, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _duration });

    /// <summary>Call after a product change committed: pages cached before are never served again.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _pages.Clear();
    }

    public void Dispose() => _pages.Dispose();
}
