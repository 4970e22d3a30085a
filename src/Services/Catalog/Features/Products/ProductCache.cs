using System.ComponentModel;
using Agora.ServiceDefaults.Caching;
using Microsoft.Extensions.Caching.Hybrid;

namespace Agora.Catalog.Features.Products;

/// <summary>A cached product with the version its ETag is made from.</summary>
[ImmutableObject(true)]
public sealed record CachedProduct(ProductDto Product, int Version);

/// <summary>
/// Product reads through HybridCache (in-process L1, Redis L2 in the distributed mode); writes invalidate, the product
/// and the list pages of <see cref="ProductListCache"/>, in this instance and in every other one (replicas, a canary:
/// <see cref="CacheEvictions"/>), so no instance serves a changed product for the rest of its local expiry.
/// </summary>
internal sealed class ProductCache
{
    private const string KeyPrefix = "product:";

    private readonly HybridCacheEntryOptions _entry;
    private readonly HybridCache _cache;
    private readonly ProductListCache _lists;
    private readonly CacheEvictions _evictions;

    public ProductCache(HybridCache cache, ProductListCache lists, CacheEvictions evictions, IOptions<CatalogOptions> options)
    {
        _cache = cache;
        _lists = lists;
        _evictions = evictions;
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
        _cache.GetOrCreateAsync(Key(id), (id, db), static async (state, ct) =>
        {
            var product = await state.db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == state.id, ct);
            return product is null ? null : new CachedProduct(ProductDto.From(product), product.Version);
        }, _entry, cancellationToken: cancellationToken);

    public ValueTask InvalidateAsync(string id, CancellationToken cancellationToken = default)
    {
        _lists.Invalidate();
        return _evictions.EvictAsync(Key(id), cancellationToken);
    }

    private static string Key(string id) => KeyPrefix + id;
}
