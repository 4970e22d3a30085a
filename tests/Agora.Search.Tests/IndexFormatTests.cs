using Agora.Search;
using Agora.Search.Features.Indexing;
using Agora.Hosting;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Agora.Search.Tests;

/// <summary>
/// Index entries live in a binary doc value (format 2). An index written by an earlier release keeps them in stored
/// fields (format 1): it must keep answering until it is rebuilt from Catalog, and must be rebuilt.
/// </summary>
public sealed class IndexFormatTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "agora-search-format-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task FormatOneIndex_AnswersFromStoredFields_ThenIsRebuiltToTheCurrentFormat()
    {
        WriteFormatOneGeneration("gen-1", ("p-1", "Espresso Machine"));

        using (var index = Open())
        {
            Assert.True(index.NeedsBuild); // built once, but not in this layout
            Assert.Equal("Espresso Machine", NameOf(index, "p-1"));

            var rebuilt = await index.RebuildAsync(Products(("p-1", "Espresso Machine"), ("p-2", "Milk Frother")), CancellationToken.None);

            Assert.Equal(2, rebuilt);
            Assert.False(index.NeedsBuild);
            Assert.Equal("Milk Frother", NameOf(index, "p-2"));
        }

        using var reopened = Open();
        Assert.False(reopened.NeedsBuild);
        Assert.Equal("Espresso Machine", NameOf(reopened, "p-1"));
    }

    [Fact]
    public async Task Entry_RoundTripsEveryField()
    {
        var entry = new IndexedProduct
        {
            Id = "p-9", Sku = "SKU-9", Name = "무선 이어폰 Black", Description = "A <b>loud</b> one", CategoryId = "cat-2",
            Price = "129000", Currency = "KRW", Status = "active", Version = 7, CreatedAtMicros = 1_700_000_000_000_001,
            Available = 3, StockAtMicros = 1_700_000_000_000_002,
            Localized = [new LocalizedEntry("ko", "무선 이어폰 블랙", "시끄러운 <b>것</b>")],
        };
        using var index = Open();
        await index.RebuildAsync(ToAsync([entry]), CancellationToken.None);

        Assert.Equal(entry, index.Search(s => Find(s, "p-9")));
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_root))
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }
    }

    private ProductIndex Open() => new(
        Options.Create(new SearchOptions { IndexDirectory = _root }), Options.Create(new AgoraOptions { ServiceName = "search", DataDirectory = _root }),
        new Environment(_root), TimeProvider.System, NullLogger<ProductIndex>.Instance);

    private static string NameOf(ProductIndex index, string id) => index.Search(s => Find(s, id)).Name;

    private static IndexedProduct Find(IndexSearcher searcher, string id)
    {
        var top = searcher.Search(new TermQuery(new Term(IndexFields.Id, id)), 1);
        Assert.Equal(1, top.TotalHits);
        return IndexedProduct.Read(searcher, top.ScoreDocs[0].Doc);
    }

    private static IAsyncEnumerable<IndexedProduct> Products(params (string Id, string Name)[] products) => ToAsync(products.Select(p => new IndexedProduct
    {
        Id = p.Id, Name = p.Name, Sku = "SKU-" + p.Id, CategoryId = "cat-1", Price = "10", Currency = "USD", Status = "active", Version = 1,
    }));

#pragma warning disable CS1998 // an async iterator over a list
    private static async IAsyncEnumerable<IndexedProduct> ToAsync(IEnumerable<IndexedProduct> products)
    {
        foreach (var p in products)
        {
            yield return p;
        }
    }
#pragma warning restore CS1998

    /// <summary>A generation as the release before format 2 wrote it: every field stored, the build marker without a format.</summary>
    private void WriteFormatOneGeneration(string name, params (string Id, string Name)[] products)
    {
        var path = Path.Combine(_root, name);
        using (var directory = FSDirectory.Open(path))
        using (var analyzer = new ProductAnalyzer())
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(ProductAnalyzer.Version, analyzer)))
        {
            foreach (var (id, productName) in products)
            {
                writer.AddDocument(new Document
                {
                    new StringField(IndexFields.Id, id, Field.Store.YES),
                    new StringField(IndexFields.Kind, "Product", Field.Store.YES),
                    new StringField(IndexFields.Visible, "1", Field.Store.NO),
                    new TextField(IndexFields.Name, productName, Field.Store.YES),
                    new StringField(IndexFields.Status, "active", Field.Store.YES),
                    new StoredField(IndexFields.Price, "10"),
                    new StoredField(IndexFields.Version, 1),
                });
            }

            writer.SetCommitData(new Dictionary<string, string> { [IndexGeneration.BuiltKey] = DateTimeOffset.UnixEpoch.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
            writer.Commit();
        }

        File.WriteAllText(Path.Combine(_root, "current"), name);
    }

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "Agora.Search.Tests";
        public string ContentRootPath { get; set; } = root;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
