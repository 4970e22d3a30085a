using Agora.Contracts.Events;
using Agora.Hosting;
using Lucene.Net.Search;
using Microsoft.Extensions.Options;

namespace Agora.Search.Indexing;

/// <summary>
/// The live product index. Every write goes through one lock (each event is a read-modify-write of one entry); searches
/// never take it. Writes become searchable at the next refresh (<see cref="SearchOptions.RefreshInterval"/>) and durable
/// at the next commit (<see cref="SearchOptions.CommitInterval"/>). The index is a read model of Catalog, so a crash is
/// recovered by rebuilding, not by replaying: a marker file lives beside the index while the process runs, and finding
/// it at start (no clean shutdown) means the last commit may lack events the inbox already acknowledged, so the index is
/// rebuilt from Catalog (<see cref="NeedsBuild"/>) while the old one keeps answering. A rebuild fills a new generation from Catalog
/// while events keep flowing into the live one; events seen meanwhile are replayed onto the new generation (the rules
/// in <see cref="CatalogChanges"/> make that safe), and the swap is atomic: a pointer file names the live generation.
/// </summary>
public sealed partial class ProductIndex : IDisposable
{
    private const string PointerFile = "current";
    private const string RunningMarker = "running";

    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly SemaphoreSlim _rebuild = new(1, 1);
    private readonly ProductAnalyzer _analyzer = new();
    private readonly string _root;
    private readonly TimeProvider _clock;
    private readonly ILogger<ProductIndex> _logger;
    private IndexGeneration _live;
    private List<IIntegrationEvent>? _duringRebuild;
    private long _uncommitted;
    private volatile bool _recovering;

    public ProductIndex(IOptions<SearchOptions> options, IOptions<AgoraOptions> agora, IHostEnvironment environment,
        TimeProvider clock, ILogger<ProductIndex> logger)
    {
        _clock = clock;
        _logger = logger;
        _root = Path.GetFullPath(options.Value.IndexDirectory
            ?? Path.Combine(Path.GetFullPath(agora.Value.DataDirectory, environment.ContentRootPath), "search-index"));
        Directory.CreateDirectory(_root);
        var marker = Path.Combine(_root, RunningMarker);
        _recovering = File.Exists(marker);
        File.WriteAllText(marker, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var pointer = Path.Combine(_root, PointerFile);
        var name = File.Exists(pointer) ? File.ReadAllText(pointer).Trim() : "";
        if (name.Length == 0 || !Directory.Exists(Path.Combine(_root, name)))
        {
            name = NewGenerationName();
            _live = IndexGeneration.Open(Path.Combine(_root, name), _analyzer);
            WritePointer(name);
        }
        else
        {
            _live = IndexGeneration.Open(Path.Combine(_root, name), _analyzer);
        }

        LogOpened(_logger, _live.Path, _live.Writer.NumDocs, _live.IsBuilt);
        if (_recovering && _live.IsBuilt)
        {
            LogUncleanShutdown(_logger);
        }
    }

    internal ProductAnalyzer Analyzer => _analyzer;

    /// <summary>Whether the live index was ever filled from Catalog.</summary>
    public bool IsBuilt => _live.IsBuilt;

    /// <summary>Whether the index must be (re)built from Catalog: never built, or the last run did not shut down cleanly.</summary>
    public bool NeedsBuild => !_live.IsBuilt || _recovering;

    public bool IsRebuilding => _rebuild.CurrentCount == 0;

    /// <summary>Applies one Catalog event; returns whether it changed the index.</summary>
    public async Task<bool> ApplyAsync(IIntegrationEvent e, CancellationToken ct)
    {
        await _write.WaitAsync(ct);
        try
        {
            _duringRebuild?.Add(e);
            return ApplyTo(_live, e);
        }
        finally
        {
            _write.Release();
        }
    }

    private bool ApplyTo(IndexGeneration generation, IIntegrationEvent e)
    {
        var id = CatalogChanges.ProductIdOf(e);
        var (_, next) = CatalogChanges.Apply(generation.Lookup(id), e);
        if (next is null)
        {
            return false;
        }

        generation.Write(next);
        Interlocked.Increment(ref _uncommitted);
        return true;
    }

    /// <summary>Runs <paramref name="search"/> on the current searcher.</summary>
    public T Search<T>(Func<IndexSearcher, T> search)
    {
        var manager = _live.Searchers;
        IndexSearcher searcher;
        try
        {
            searcher = manager.Acquire();
        }
        catch (ObjectDisposedException)
        {
            // Swapped by a rebuild between reading _live and acquiring: the new generation is live now.
            manager = _live.Searchers;
            searcher = manager.Acquire();
        }

        try
        {
            return search(searcher);
        }
        finally
        {
            manager.Release(searcher);
        }
    }

    /// <summary>Makes written changes searchable (the refresh loop calls this).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        if (!_live.HasUnrefreshed)
        {
            return;
        }

        await _write.WaitAsync(ct);
        try
        {
            _live.Refresh();
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>Commits written changes to disk (the commit loop calls this).</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        if (Interlocked.Read(ref _uncommitted) == 0)
        {
            return;
        }

        await _write.WaitAsync(ct);
        try
        {
            Interlocked.Exchange(ref _uncommitted, 0);
            _live.Commit();
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>
    /// Replaces the index with one built from <paramref name="products"/> (Catalog's full stream). Returns the number of
    /// products read, or null when another rebuild is running.
    /// </summary>
    internal async Task<int?> RebuildAsync(IAsyncEnumerable<IndexedProduct> products, CancellationToken ct)
    {
        if (!await _rebuild.WaitAsync(0, ct))
        {
            return null;
        }

        var name = NewGenerationName();
        IndexGeneration? building = null;
        try
        {
            building = IndexGeneration.Open(Path.Combine(_root, name), _analyzer);
            await _write.WaitAsync(ct);
            try
            {
                _duringRebuild = [];
                _live.Refresh();
                foreach (var tombstone in _live.Tombstones())
                {
                    building.Add(tombstone);
                }
            }
            finally
            {
                _write.Release();
            }

            var count = 0;
            await foreach (var product in products.WithCancellation(ct))
            {
                building.Add(product);
                count++;
            }

            building.Refresh();
            IndexGeneration old;
            await _write.WaitAsync(CancellationToken.None);
            try
            {
                foreach (var e in _duringRebuild!)
                {
                    ApplyTo(building, e);
                }

                building.Commit(builtAt: _clock.GetUtcNow());
                building.Refresh();
                old = _live;
                _live = building;
                WritePointer(name);
                _duringRebuild = null;
                _recovering = false;
                Interlocked.Exchange(ref _uncommitted, 0);
            }
            finally
            {
                _write.Release();
            }

            building = null;
            LogRebuilt(_logger, count, name);
            Retire(old);
            return count;
        }
        finally
        {
            if (building is not null)
            {
                await _write.WaitAsync(CancellationToken.None);
                _duringRebuild = null;
                _write.Release();
                Retire(building);
            }

            _rebuild.Release();
        }
    }

    private void Retire(IndexGeneration generation)
    {
        try
        {
            generation.Dispose();
            Directory.Delete(generation.Path, recursive: true);
        }
        catch (IOException ex)
        {
            LogRetireFailed(_logger, generation.Path, ex);
        }
    }

    private void WritePointer(string name)
    {
        var pointer = Path.Combine(_root, PointerFile);
        var temp = pointer + ".tmp";
        File.WriteAllText(temp, name);
        File.Move(temp, pointer, overwrite: true);
    }

    private string NewGenerationName() => "gen-" + _clock.GetUtcNow().ToString("yyyyMMddHHmmssfffffff", System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _write.Wait();
        try
        {
            _live.Commit();
            _live.Dispose();
            File.Delete(Path.Combine(_root, RunningMarker)); // a clean shutdown: everything acknowledged is on disk
        }
        finally
        {
            _write.Release();
        }
    }

    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Search index {Path}: {Count} entries, built from Catalog: {Built}")]
    private static partial void LogOpened(ILogger logger, string path, int count, bool built);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Search index rebuilt from Catalog: {Count} products, generation {Generation}")]
    private static partial void LogRebuilt(ILogger logger, int count, string generation);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Search index: the last run did not shut down cleanly; rebuilding from Catalog")]
    private static partial void LogUncleanShutdown(ILogger logger);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Could not delete the retired index generation {Path}")]
    private static partial void LogRetireFailed(ILogger logger, string path, Exception exception);
}
