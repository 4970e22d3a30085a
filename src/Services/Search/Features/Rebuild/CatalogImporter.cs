using System.Globalization;
using System.Runtime.CompilerServices;
using Agora.Contracts.Catalog.V1;
using Agora.Search.Features.Indexing;
using Grpc.Core;

namespace Agora.Search.Features.Rebuild;

/// <summary>Reads the whole catalogue from Catalog's gRPC <c>StreamProducts</c> as index entries.</summary>
internal sealed class CatalogImporter(CatalogService.CatalogServiceClient catalog)
{
    public async IAsyncEnumerable<IndexedProduct> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        using var call = catalog.StreamProducts(new StreamProductsRequest(), cancellationToken: ct);
        await foreach (var p in call.ResponseStream.ReadAllAsync(ct))
        {
            yield return ToEntry(p);
        }
    }

    public static IndexedProduct ToEntry(Product p) => new()
    {
        Id = p.Id,
        Sku = p.Sku,
        Name = p.Name,
        Description = p.Description,
        CategoryId = p.CategoryId,
        Localized = LocalizedEntry.From(p.Localized, t => (t?.Name, t?.Description)),
        Price = IndexedProduct.FormatPrice(decimal.Parse(p.Price?.Amount ?? "0", NumberStyles.Number, CultureInfo.InvariantCulture)),
        Currency = p.Price?.Currency ?? "",
        Status = p.Status,
        Version = p.Version,
        CreatedAtMicros = p.CreateTime is null ? p.UpdatedAt * 1_000_000 : IndexedProduct.Micros(p.CreateTime.ToDateTimeOffset()),
        Available = p.Available,
        StockAtMicros = p.StockUpdateTime is null ? 0 : IndexedProduct.Micros(p.StockUpdateTime.ToDateTimeOffset()),
    };
}
