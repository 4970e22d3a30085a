using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;

namespace Agora.Search.Features.Indexing;

/// <summary>
/// One on-disk index (a directory under the index root) with its writer and near-real-time searchers. A rebuild
/// writes a new generation beside the live one and swaps it in; the old one is then deleted.
/// </summary>
internal sealed class IndexGeneration : IDisposable
{
    /// <summary>Commit user data key set once a generation holds the whole catalogue.</summary>
    public const string BuiltKey = "agora.built_at";

    /// <summary>Commit user data key naming the document layout; a generation of another layout is rebuilt at start.</summary>
    public const string FormatKey = "agora.format";

    /// <summary>
    /// The document layout written now: 2 = the entry as a binary doc value, no stored fields; 3 = with the products'
    /// other languages (Korean names and descriptions indexed beside the English), so an index of format 2, which has
    /// none, is rebuilt from Catalog at start.
    /// </summary>
    public const string Format = "3";

    // Entries written since the searchers last refreshed: a lookup must see its own writes (read-modify-write per event).
    private readonly Dictionary<string, IndexedProduct> _unrefreshed = new(StringComparer.Ordinal);

    private IndexGeneration(string path, Lucene.Net.Store.Directory directory, IndexWriter writer)
    {
        Path = path;
        Directory = directory;
        Writer = writer;
        Searchers = new SearcherManager(writer, applyAllDeletes: true, new Bm25SearcherFactory());
    }

    public string Path { get; }
    public string Name => System.IO.Path.GetFileName(Path);
    public Lucene.Net.Store.Directory Directory { get; }
    public IndexWriter Writer { get; }
    public SearcherManager Searchers { get; }

    /// <summary>
    /// Whether this generation was filled from Catalog (rebuild), rather than only from events, in the current document
    /// layout (<see cref="Format"/>).
    /// </summary>
    public bool IsBuilt => _built
        || (Writer.CommitData.ContainsKey(BuiltKey) && Writer.CommitData.TryGetValue(FormatKey, out var format) && format == Format);

    private bool _built;

    private static readonly ISet<string> MappedExtensions = new HashSet<string>(StringComparer.Ordinal) { "dvd", "dvm" };

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The file-switch directory closes both directories it is given (doClose); the generation returned owns it and the writer, and disposes them.")]
    public static IndexGeneration Open(string path, ProductAnalyzer analyzer)
    {
        System.IO.Directory.CreateDirectory(path);
        // Doc values (read at random for every match: sort keys, facet ordinals, the entries of the hits) are memory
        // mapped; everything else is read with positional reads. Not FSDirectory.Open's MMapDirectory for all files:
        // Lucene.NET's memory-mapped inputs record every clone in a per-file weak map that is swept on each new clone,
        // and the term and postings readers clone several inputs per query, so under sustained load each query got
        // slower the longer the process ran (bench/search: 2,200 -> 1,400 queries/s within a minute). Doc values inputs
        // are cloned once per segment and thread. Separate files (no compound file) make the split possible.
        var info = new DirectoryInfo(path);
        var directory = new FileSwitchDirectory(MappedExtensions, new MMapDirectory(info), new NIOFSDirectory(info), doClose: true);
        var config = new IndexWriterConfig(ProductAnalyzer.Version, analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            Similarity = new BM25Similarity(),
            RAMBufferSizeMB = 64,
            UseCompoundFile = false,
            MergePolicy = new TieredMergePolicy { NoCFSRatio = 0 },
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
            return top.TotalHits == 0 ? null : IndexedProduct.Read(searcher, top.ScoreDocs[0].Doc);
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
            Writer.SetCommitData(new Dictionary<string, string>
            {
                [BuiltKey] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                [FormatKey] = Format,
            });
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
            return top.ScoreDocs.Select(d => IndexedProduct.Read(searcher, d.Doc)).ToList();
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
