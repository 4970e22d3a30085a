using Agora.Contracts.Events;

namespace Agora.Search.Features.Indexing;

/// <summary>
/// How each Catalog event changes an index entry. Events may arrive twice, late or out of order (retries, redelivery,
/// a rebuild running beside them), so each rule compares before it writes: details by <c>Version</c>, stock by
/// <c>OccurredAt</c>, and a deleted product stays deleted. A rule returns null when the event changes nothing.
/// </summary>
/// <remarks>
/// PriceChanged is not subscribed to: Catalog publishes it beside a ProductUpdated that carries the same new price and a
/// version, which orders it; PriceChanged has no version to order it by.
/// </remarks>
internal static class CatalogChanges
{
    public static IndexedProduct? Apply(IndexedProduct? current, ProductCreated e)
    {
        if (current?.Kind == EntryKind.Tombstone)
        {
            return null;
        }

        var created = IndexedProduct.Micros(e.OccurredAt);
        if (current is { Kind: EntryKind.Product })
        {
            // Already known from a later ProductUpdated (or this event again): only the creation time may be missing.
            return current.CreatedAtMicros == 0 ? current with { CreatedAtMicros = created } : null;
        }

        // A created product is its first version.
        var first = new ProductUpdated(
            e.EventId, e.OccurredAt, e.ProductId, e.Sku, e.Name, e.Description, e.CategoryId, e.Price, e.Currency, e.Status, Version: 1,
            e.Localized);
        return WithDetails(current, first) with { CreatedAtMicros = created };
    }

    public static IndexedProduct? Apply(IndexedProduct? current, ProductUpdated e)
    {
        if (current?.Kind == EntryKind.Tombstone || (current is { Kind: EntryKind.Product } && current.Version >= e.Version))
        {
            return null;
        }

        return WithDetails(current, e);
    }

    /// <summary>The entry with the event's details, keeping what the other events told (creation time, stock).</summary>
    private static IndexedProduct WithDetails(IndexedProduct? current, ProductUpdated e) => new()
    {
        Id = e.ProductId,
        Sku = e.Sku,
        Name = e.Name,
        Description = e.Description,
        CategoryId = e.CategoryId,
        Localized = LocalizedEntry.From(e.Localized, t => (t?.Name, t?.Description)),
        Price = IndexedProduct.FormatPrice(e.Price),
        Currency = e.Currency,
        Status = e.Status,
        Version = e.Version,
        CreatedAtMicros = current?.CreatedAtMicros ?? 0,
        Available = current?.Available ?? 0,
        StockAtMicros = current?.StockAtMicros ?? 0,
    };

    public static IndexedProduct? Apply(IndexedProduct? current, StockChanged e)
    {
        var at = IndexedProduct.Micros(e.OccurredAt);
        if (current?.Kind == EntryKind.Tombstone || (current is not null && current.StockAtMicros > at))
        {
            return null;
        }

        if (current is not null && current.StockAtMicros == at && current.Available == e.Available)
        {
            return null;
        }

        return current is null
            ? new IndexedProduct { Id = e.ProductId, Kind = EntryKind.StockOnly, Available = e.Available, StockAtMicros = at }
            : current with { Available = e.Available, StockAtMicros = at };
    }

    public static IndexedProduct? Apply(IndexedProduct? current, ProductDeleted e) =>
        current?.Kind == EntryKind.Tombstone ? null : new IndexedProduct { Id = e.ProductId, Kind = EntryKind.Tombstone };

    /// <summary>Any of the four events this service handles.</summary>
    public static (string ProductId, IndexedProduct? Next) Apply(IndexedProduct? current, IIntegrationEvent e) => e switch
    {
        ProductCreated c => (c.ProductId, Apply(current, c)),
        ProductUpdated u => (u.ProductId, Apply(current, u)),
        StockChanged s => (s.ProductId, Apply(current, s)),
        ProductDeleted d => (d.ProductId, Apply(current, d)),
        _ => throw new ArgumentException($"Search does not handle {e.GetType().Name}.", nameof(e)),
    };

    public static string ProductIdOf(IIntegrationEvent e) => e switch
    {
        ProductCreated c => c.ProductId,
        ProductUpdated u => u.ProductId,
        StockChanged s => s.ProductId,
        ProductDeleted d => d.ProductId,
        _ => throw new ArgumentException($"Search does not handle {e.GetType().Name}.", nameof(e)),
    };
}
