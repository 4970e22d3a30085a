using System.ComponentModel;
using Agora.ServiceDefaults.Caching;
using Microsoft.Extensions.Caching.Hybrid;

namespace Agora.Catalog.Features.Products;

/// <summary>A cached product (with its availability) and the version its ETag is made from.</summary>
[ImmutableObject(true)]
public sealed record CachedProduct(ProductDto Product, int Version)
{
    /// <summary>The ETag: version and availability (<see cref="ProductETag"/>).</summary>
    public string ETag => ProductETag.Of(Product, Version);
}

/// <summary>
/// Product reads through HybridCache (in-process L1, Redis L2 in the distributed mode); writes invalidate, the product
/// and the list pages of <see cref="ProductListCache"/>, in this instance and in every other one (replicas, a canary:
/// <see cref="CacheEvictions"/>), so no instance serves a changed product for the rest of its local expiry. The cached
/// product carries its availability, so every stock change (reservation, commit, release, expiry, a stock count)
/// invalidates it the same way (<see cref="Stock.StockLedger"/>).
/// </summary>
public sealed class ProductCache
{
    private const string KeyPrefix = "product:2:"; // 2: with availability (entries of the shape before it are never read)

    private readonly HybridCacheEntryOptions _entry;
    private readonly HybridCache _cache;
    private readonly ProductListCache _lists;
    private readonly CacheEvictions _evictions;
    private readonly int _lowStockThreshold;

    public ProductCache(HybridCache cache, ProductListCache lists, CacheEvictions evictions, IOptions<CatalogOptions> options)
    {
        _cache = cache;
        _lists = lists;
        _evictions = evictions;
        _lowStockThreshold = options.Value.LowStockThreshold;
        _entry = new HybridCacheEntryOptions
        {
            Expiration = options.Value.ProductCacheDuration,
            LocalCacheExpiration = options.Value.ProductLocalCacheDuration,
        };
        evictions.Evicted += key =>
        {
            if (key.StartsWith(KeyPrefix, StringComparison.Ordinal))
            {
                lists.Invalidate(); // another instance changed a product: its list pages here are stale too
            }
        };
    }

    public ValueTask<CachedProduct?> GetAsync(string id, CatalogDbContext db, CancellationToken cancellationToken) =>
        _cache.GetOrCreateAsync(Key(id), (id, db, _lowStockThreshold), static async (state, ct) =>
        {
            var product = await state.db.Products.AsNoTracking().Include(p => p.Inventory).FirstOrDefaultAsync(p => p.Id == state.id, ct);
            return product is null ? null : new CachedProduct(ProductDto.From(product, state._lowStockThreshold), product.Version);
        }, _entry, cancellationToken: cancellationToken);

    public ValueTask InvalidateAsync(string id, CancellationToken cancellationToken = default)
    {
        _lists.Invalidate();
        return _evictions.EvictAsync(Key(id), cancellationToken);
    }

    /// <summary>After a stock change committed: the products' availability changed (and so every list page).</summary>
    public async ValueTask InvalidateAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        _lists.Invalidate();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            await _evictions.EvictAsync(Key(id), cancellationToken);
        }
    }

    private static string Key(string id) => KeyPrefix + id;
}
