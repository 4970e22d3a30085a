using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Util;

namespace Agora.Search.Indexing;

/// <summary>What the index knows of one product id.</summary>
internal enum EntryKind
{
    /// <summary>A product with its details: searchable when active.</summary>
    Product,

    /// <summary>Only stock is known yet (a StockChanged overtook its ProductCreated): never shown.</summary>
    StockOnly,

    /// <summary>The product was deleted: kept so a late event cannot bring it back; never shown.</summary>
    Tombstone,
}

/// <summary>
/// One index entry: a product's searchable fields plus the bookkeeping that makes event handling idempotent and
/// order-independent (<see cref="Version"/> of its details, <see cref="StockAtMicros"/> of its stock).
/// </summary>
internal sealed record IndexedProduct
{
    public required string Id { get; init; }
    public EntryKind Kind { get; init; } = EntryKind.Product;
    public string Sku { get; init; } = "";
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public string CategoryId { get; init; } = "";

    /// <summary>The price as a decimal string, exactly as Catalog sent it.</summary>
    public string Price { get; init; } = "0";
    public string Currency { get; init; } = "";
    public string Status { get; init; } = "";

    /// <summary>Version of the details (ProductCreated is 1, each ProductUpdated carries its own); 0 when unknown.</summary>
    public int Version { get; init; }

    /// <summary>Creation time in microseconds since the Unix epoch; 0 when unknown (its ProductCreated not seen).</summary>
    public long CreatedAtMicros { get; init; }

    public int Available { get; init; }

    /// <summary>When the stock figure was true, in microseconds since the Unix epoch; an older StockChanged is ignored.</summary>
    public long StockAtMicros { get; init; }

    /// <summary>Searchable: a product with details, status active.</summary>
    public bool Visible => Kind == EntryKind.Product && Status == "active";

    /// <summary>The price in 1/10,000 units: an integer to filter and sort on, for every currency.</summary>
    public long PriceUnits => ToUnits(decimal.Parse(Price, NumberStyles.Number, CultureInfo.InvariantCulture));

    public static long ToUnits(decimal amount) => (long)decimal.Round(amount * IndexFields.PriceScale, 0, MidpointRounding.ToZero);

    public static long Micros(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

    public static string FormatPrice(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    /// <summary>The Lucene document.</summary>
    public Document ToDocument()
    {
        var doc = new Document
        {
            new StringField(IndexFields.Id, Id, Field.Store.YES),
            new SortedDocValuesField(IndexFields.IdSort, new BytesRef(Id)),
            new StringField(IndexFields.Kind, Kind.ToString(), Field.Store.YES),
            new StoredField(IndexFields.Version, Version),
            new StoredField(IndexFields.StockAt, StockAtMicros),
            new StoredField(IndexFields.Available, Available),
        };
        if (Kind == EntryKind.Tombstone)
        {
            return doc;
        }

        doc.Add(new StringField(IndexFields.Visible, Visible ? "1" : "0", Field.Store.NO));
        doc.Add(new StoredField(IndexFields.CreatedAt, CreatedAtMicros));
        doc.Add(new NumericDocValuesField(IndexFields.CreatedAtSort, CreatedAtMicros));
        if (Kind == EntryKind.StockOnly)
        {
            return doc;
        }

        doc.Add(new StringField(IndexFields.Sku, Sku, Field.Store.YES));
        doc.Add(new StringField(IndexFields.SkuExact, Sku.ToLowerInvariant(), Field.Store.NO));
        doc.Add(new TextField(IndexFields.Name, Name, Field.Store.YES));
        doc.Add(new TextField(IndexFields.Description, Description, Field.Store.YES));
        doc.Add(new StringField(IndexFields.Category, CategoryId, Field.Store.YES));
        doc.Add(new SortedDocValuesField(IndexFields.CategoryFacet, new BytesRef(CategoryId)));
        doc.Add(new StoredField(IndexFields.Price, Price));
        doc.Add(new StoredField(IndexFields.Currency, Currency));
        doc.Add(new StringField(IndexFields.Status, Status, Field.Store.YES));
        var units = PriceUnits;
        doc.Add(new Int64Field(IndexFields.PriceRange, units, Field.Store.NO));
        doc.Add(new NumericDocValuesField(IndexFields.PriceSort, units));
        doc.Add(new StringField(IndexFields.InStock, Available > 0 ? "1" : "0", Field.Store.NO));
        return doc;
    }

    /// <summary>Reads an entry back from its stored fields.</summary>
    public static IndexedProduct FromDocument(Document doc)
    {
        var kind = Enum.Parse<EntryKind>(doc.Get(IndexFields.Kind));
        return new IndexedProduct
        {
            Id = doc.Get(IndexFields.Id),
            Kind = kind,
            Sku = doc.Get(IndexFields.Sku) ?? "",
            Name = doc.Get(IndexFields.Name) ?? "",
            Description = doc.Get(IndexFields.Description) ?? "",
            CategoryId = doc.Get(IndexFields.Category) ?? "",
            Price = doc.Get(IndexFields.Price) ?? "0",
            Currency = doc.Get(IndexFields.Currency) ?? "",
            Status = doc.Get(IndexFields.Status) ?? "",
            Version = doc.GetField(IndexFields.Version)?.GetInt32Value() ?? 0,
            CreatedAtMicros = doc.GetField(IndexFields.CreatedAt)?.GetInt64Value() ?? 0,
            Available = doc.GetField(IndexFields.Available)?.GetInt32Value() ?? 0,
            StockAtMicros = doc.GetField(IndexFields.StockAt)?.GetInt64Value() ?? 0,
        };
    }
}

/// <summary>Field names of the index.</summary>
internal static class IndexFields
{
    public const decimal PriceScale = 10_000m;

    public const string Id = "id";
    public const string IdSort = "id_sort";
    public const string Kind = "kind";
    public const string Visible = "visible";
    public const string Sku = "sku";
    public const string SkuExact = "sku_exact";
    public const string Name = "name";
    public const string Description = "description";
    public const string Category = "category_id";
    public const string CategoryFacet = "category_facet";
    public const string Price = "price";
    public const string PriceRange = "price_units";
    public const string PriceSort = "price_sort";
    public const string Currency = "currency";
    public const string Status = "status";
    public const string Version = "version";
    public const string CreatedAt = "created_at";
    public const string CreatedAtSort = "created_sort";
    public const string Available = "available";
    public const string StockAt = "stock_at";
    public const string InStock = "in_stock";
}
