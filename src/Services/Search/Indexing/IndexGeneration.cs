using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;

namespace Agora.Search.Indexing;

/// <summary>
/// One on-disk index (a directory under the index root) with its writer and near-real-time searchers. A rebuild
/// writes a new generation beside the live one and swaps it in; the old one is then deleted.
/// </summary>
internal sealed class IndexGeneration : IDisposable
{
    /// <summary>Commit user data key set once a generation holds the whole catalogue.</summary>
    public const string BuiltKey = "agora.built_at";

    // Entries written since the searchers last refreshed: a lookup must see its own writes (read-modify-write per event).
    private readonly Dictionary<string, IndexedProduct> _unrefreshed = new(StringComparer.Ordinal);

    private IndexGeneration(string path, FSDirectory directory, IndexWriter writer)
    {
        Path = path;
        Directory = directory;
        Writer = writer;
        Searchers = new SearcherManager(writer, applyAllDeletes: true, new Bm25SearcherFactory());
    }

    public string Path { get; }
    public string Name => System.IO.Path.GetFileName(Path);
    public FSDirectory Directory { get; }
    public IndexWriter Writer { get; }
    public SearcherManager Searchers { get; }

    /// <summary>Whether this generation was filled from Catalog (rebuild), rather than only from events.</summary>
    public bool IsBuilt => Writer.CommitData.ContainsKey(BuiltKey) || _built;

    private bool _built;

    public static IndexGeneration Open(string path, ProductAnalyzer analyzer)
    {
        System.IO.Directory.CreateDirectory(path);
        var directory = FSDirectory.Open(path);
        var config = new IndexWriterConfig(ProductAnalyzer.Version, analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            Similarity = new BM25Similarity(),
            RAMBufferSizeMB = 64,
        };
        var writer = new IndexWriter(directory, config);
        if (!DirectoryReader.IndexExists(directory))
        {
            writer.Commit(); // an empty commit, so readers can open
        }

        return new IndexGeneration(path, directory, writer);
    }

    /// <summary>The entry for an id, including writes not yet visible to searchers. Callers hold the index's write lock.</summary>
    public IndexedProduct? Lookup(string id)
    {
        if (_unrefreshed.TryGetValue(id, out var pending))
        {
            return pending;
        }

        var searcher = Searchers.Acquire();
        try
        {
            var top = searcher.Search(new TermQuery(new Term(IndexFields.Id, id)), 1);
            return top.TotalHits == 0 ? null : IndexedProduct.FromDocument(searcher.Doc(top.ScoreDocs[0].Doc));
        }
        finally
        {
            Searchers.Release(searcher);
        }
    }

    /// <summary>Adds or replaces an entry. Callers hold the index's write lock.</summary>
    public void Write(IndexedProduct entry)
    {
        Writer.UpdateDocument(new Term(IndexFields.Id, entry.Id), entry.ToDocument());
        _unrefreshed[entry.Id] = entry;
    }

    /// <summary>Adds an entry known to be new (a rebuild's stream has each id once): no lookup, no delete.</summary>
    public void Add(IndexedProduct entry) => Writer.AddDocument(entry.ToDocument());

    /// <summary>Whether writes wait for a refresh.</summary>
    public bool HasUnrefreshed => _unrefreshed.Count > 0;

    /// <summary>Makes every write so far searchable. Callers hold the index's write lock.</summary>
    public void Refresh()
    {
        Searchers.MaybeRefreshBlocking();
        _unrefreshed.Clear();
    }

    /// <summary>Makes every write so far durable; <paramref name="builtAt"/> marks the generation as a full build.</summary>
    public void Commit(DateTimeOffset? builtAt = null)
    {
        if (builtAt is { } at)
        {
            Writer.SetCommitData(new Dictionary<string, string> { [BuiltKey] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
            _built = true;
        }

        Writer.Commit();
    }

    /// <summary>Every tombstone, so a rebuild keeps deleted products deleted.</summary>
    public List<IndexedProduct> Tombstones()
    {
        var searcher = Searchers.Acquire();
        try
        {
            var top = searcher.Search(new TermQuery(new Term(IndexFields.Kind, nameof(EntryKind.Tombstone))), Math.Max(1, searcher.IndexReader.MaxDoc));
            return top.ScoreDocs.Select(d => IndexedProduct.FromDocument(searcher.Doc(d.Doc))).ToList();
        }
        finally
        {
            Searchers.Release(searcher);
        }
    }

    public void Dispose()
    {
        Searchers.Dispose();
        Writer.Dispose();
        Directory.Dispose();
    }

    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = new BM25Similarity() };
    }
}
