using System.ComponentModel;
using Agora.Catalog.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace Agora.Catalog.Features.Products;

/// <summary>A cached product with the version its ETag is made from.</summary>
[ImmutableObject(true)]
public sealed record CachedProduct(ProductDto Product, int Version);

/// <summary>
/// Product reads through HybridCache (in-process L1, Redis L2 in the distributed mode); writes invalidate, the product
/// and the list pages of <see cref="ProductListCache"/>.
/// </summary>
internal sealed class ProductCache(HybridCache cache, ProductListCache lists, IOptions<CatalogOptions> options)
{
    private readonly HybridCacheEntryOptions _entry = new()
    {
        Expiration = options.Value.ProductCacheDuration,
        LocalCacheExpiration = options.Value.ProductLocalCacheDuration,
    };

    public ValueTask<CachedProduct?> GetAsync(string id, CatalogDbContext db, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(Key(id), (id, db), static async (state, ct) =>
        {
            var product = await state.db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == state.id, ct);
            return product is null ? null : new CachedProduct(ProductDto.From(product), product.Version);
        }, _entry, cancellationToken: cancellationToken);

    public ValueTask InvalidateAsync(string id, CancellationToken cancellationToken = default)
    {
        lists.Invalidate();
        return cache.RemoveAsync(Key(id), cancellationToken);
    }

    private static string Key(string id) => "product:" + id;
}
