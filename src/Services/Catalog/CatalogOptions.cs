using System.ComponentModel.DataAnnotations;

namespace Agora.Catalog;

/// <summary><c>Catalog</c> section.</summary>
public sealed class CatalogOptions
{
    public const string SectionName = "Catalog";

    /// <summary>The one currency the catalogue is priced in. Default KRW.</summary>
    [Required, StringLength(3, MinimumLength = 3)]
    public string Currency { get; set; } = "KRW";

    /// <summary>How long a reservation holds stock when the caller gives no TTL. Default 15 minutes.</summary>
    public TimeSpan DefaultReservationTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Longest TTL a caller may ask for. Default 24 hours.</summary>
    public TimeSpan MaxReservationTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often expired reservations are swept back into stock. Default 5 seconds.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a product stays in the cache. Default 5 minutes (changes invalidate it at once).</summary>
    public TimeSpan ProductCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a replica keeps a product in its own memory (L1). A change invalidates the L1 of the replica that made
    /// it and the shared L2; other replicas see it after at most this long. Default 30 seconds.
    /// </summary>
    public TimeSpan ProductLocalCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a replica keeps a product list page in memory. A change invalidates every page of the replica that made
    /// it at once; other replicas see it after at most this long. Default 5 seconds; zero turns the list cache off.
    /// </summary>
    public TimeSpan ProductListCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A product with 1 to this many units available shows <c>availability.status</c> <c>low_stock</c> (more:
    /// <c>in_stock</c>; none: <c>out_of_stock</c>). Default 5; zero never says low stock.
    /// </summary>
    [Range(0, 1_000_000)]
    public int LowStockThreshold { get; set; } = 5;

    /// <summary>Most list pages a replica keeps (each up to 100 products). Default 1000.</summary>
    [Range(1, 1_000_000)]
    public int ProductListCacheEntries { get; set; } = 1000;
}
