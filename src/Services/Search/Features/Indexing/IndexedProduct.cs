using System.Globalization;
using System.Text;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Agora.Search.Features.Indexing;

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

    /// <summary>Name and description in other languages (Korean), by locale, ordinal order; indexed with the English.</summary>
    public IReadOnlyList<LocalizedEntry> Localized { get; init; } = [];

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

    /// <summary>Every field equal, <see cref="Localized"/> item by item.</summary>
    public bool Equals(IndexedProduct? other) =>
        other is not null
        && (Id, Kind, Sku, Name, Description, CategoryId, Price, Currency, Status, Version, CreatedAtMicros, Available, StockAtMicros)
            == (other.Id, other.Kind, other.Sku, other.Name, other.Description, other.CategoryId, other.Price, other.Currency, other.Status,
                other.Version, other.CreatedAtMicros, other.Available, other.StockAtMicros)
        && Localized.SequenceEqual(other.Localized);

    public override int GetHashCode() => HashCode.Combine(Id, Kind, Version, StockAtMicros);

    /// <summary>Searchable: a product with details, status active.</summary>
    public bool Visible => Kind == EntryKind.Product && Status == "active";

    /// <summary>The price in 1/10,000 units: an integer to filter and sort on, for every currency.</summary>
    public long PriceUnits => ToUnits(decimal.Parse(Price, NumberStyles.Number, CultureInfo.InvariantCulture));

    public static long ToUnits(decimal amount) => (long)decimal.Round(amount * IndexFields.PriceScale, 0, MidpointRounding.ToZero);

    public static long Micros(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

    public static string FormatPrice(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The Lucene document: the indexed fields to match, filter and sort on, and the whole entry once, encoded in a binary
    /// doc value (<see cref="IndexFields.Entry"/>). Nothing is a stored field: reading 20 hits from Lucene's compressed
    /// stored fields decompressed a block per hit and was most of a query's CPU; a doc value is one uncompressed read.
    /// </summary>
    public Document ToDocument()
    {
        var doc = new Document
        {
            new StringField(IndexFields.Id, Id, Field.Store.NO),
            new SortedDocValuesField(IndexFields.IdSort, new BytesRef(Id)),
            new StringField(IndexFields.Kind, Kind.ToString(), Field.Store.NO),
            new BinaryDocValuesField(IndexFields.Entry, new BytesRef(Encode())),
        };
        if (Kind == EntryKind.Tombstone)
        {
            return doc;
        }

        doc.Add(new StringField(IndexFields.Visible, Visible ? "1" : "0", Field.Store.NO));
        doc.Add(new NumericDocValuesField(IndexFields.CreatedAtSort, CreatedAtMicros));
        if (Kind == EntryKind.StockOnly)
        {
            return doc;
        }

        doc.Add(new StringField(IndexFields.SkuExact, Sku.ToLowerInvariant(), Field.Store.NO));
        doc.Add(new TextField(IndexFields.Name, Name, Field.Store.NO));
        doc.Add(new TextField(IndexFields.Description, Description, Field.Store.NO));
        foreach (var text in Localized)
        {
            // The same fields, more values: a query in either language matches name (weight 3) and description alike.
            doc.Add(new TextField(IndexFields.Name, text.Name, Field.Store.NO));
            doc.Add(new TextField(IndexFields.Description, text.Description, Field.Store.NO));
        }

        doc.Add(new SortedDocValuesField(IndexFields.CategoryFacet, new BytesRef(CategoryId)));
        var units = PriceUnits;
        doc.Add(new Int64Field(IndexFields.PriceRange, units, Field.Store.NO));
        doc.Add(new NumericDocValuesField(IndexFields.PriceSort, units));
        doc.Add(new StringField(IndexFields.InStock, Available > 0 ? "1" : "0", Field.Store.NO));
        return doc;
    }

    /// <summary>The entry of a document of <paramref name="searcher"/> (a top-level doc id).</summary>
    public static IndexedProduct Read(IndexSearcher searcher, int doc)
    {
        var leaves = searcher.IndexReader.Leaves;
        var leaf = leaves[ReaderUtil.SubIndex(doc, leaves)];
        var values = leaf.AtomicReader.GetBinaryDocValues(IndexFields.Entry);
        if (values is null)
        {
            // A segment written before entries were doc values (index format 1): its generation is rebuilt at start
            // (IndexGeneration.IsBuilt), and answers from its stored fields meanwhile.
            return FromDocument(searcher.Doc(doc));
        }

        var bytes = new BytesRef();
        values.Get(doc - leaf.DocBase, bytes);
        return Decode(bytes);
    }

    /// <summary>1: without <see cref="Localized"/> (read as none); 2: with it, after the stock.</summary>
    private const byte EncodingVersion = 2;

    private byte[] Encode()
    {
        using var stream = new MemoryStream(64 + (Name.Length + Description.Length) * 3);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(EncodingVersion);
            w.Write(Id);
            w.Write((byte)Kind);
            w.Write(Sku);
            w.Write(Name);
            w.Write(Description);
            w.Write(CategoryId);
            w.Write(Price);
            w.Write(Currency);
            w.Write(Status);
            w.Write(Version);
            w.Write(CreatedAtMicros);
            w.Write(Available);
            w.Write(StockAtMicros);
            w.Write(Localized.Count);
            foreach (var text in Localized)
            {
                w.Write(text.Locale);
                w.Write(text.Name);
                w.Write(text.Description);
            }
        }

        return stream.ToArray();
    }

    private static IndexedProduct Decode(BytesRef bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes.Bytes, bytes.Offset, bytes.Length, writable: false), Encoding.UTF8);
        var version = r.ReadByte();
        if (version is not (1 or EncodingVersion))
        {
            throw new InvalidDataException($"Search index entry encoding {version} is not 1 or {EncodingVersion}.");
        }

        var entry = new IndexedProduct
        {
            Id = r.ReadString(),
            Kind = (EntryKind)r.ReadByte(),
            Sku = r.ReadString(),
            Name = r.ReadString(),
            Description = r.ReadString(),
            CategoryId = r.ReadString(),
            Price = r.ReadString(),
            Currency = r.ReadString(),
            Status = r.ReadString(),
            Version = r.ReadInt32(),
            CreatedAtMicros = r.ReadInt64(),
            Available = r.ReadInt32(),
            StockAtMicros = r.ReadInt64(),
        };
        if (version == 1)
        {
            return entry;
        }

        var localized = new LocalizedEntry[r.ReadInt32()];
        for (var i = 0; i < localized.Length; i++)
        {
            localized[i] = new LocalizedEntry(r.ReadString(), r.ReadString(), r.ReadString());
        }

        return entry with { Localized = localized };
    }

    /// <summary>Reads an entry back from the stored fields of index format 1.</summary>
    private static IndexedProduct FromDocument(Document doc)
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

/// <summary>A product's name and description in one more language.</summary>
internal sealed record LocalizedEntry(string Locale, string Name, string Description)
{
    /// <summary>Entries of a locale map (an event's, a gRPC product's), in locale order, those with a name only.</summary>
    public static IReadOnlyList<LocalizedEntry> From<T>(IEnumerable<KeyValuePair<string, T>>? localized, Func<T, (string? Name, string? Description)> text) =>
        localized is null ? [] : localized
            .Select(kv => (kv.Key, Text: text(kv.Value)))
            .Where(l => !string.IsNullOrWhiteSpace(l.Text.Name))
            .OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => new LocalizedEntry(l.Key, l.Text.Name!, l.Text.Description ?? ""))
            .ToList();
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
    public const string Entry = "entry";
}
