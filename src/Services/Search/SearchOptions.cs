using System.ComponentModel.DataAnnotations;

namespace Agora.Search;

/// <summary><c>Search</c>: where the index lives and how fresh it is kept.</summary>
public sealed class SearchOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Search";

    /// <summary>
    /// Directory of the index. Default: <c>search-index</c> under <c>Agora:DataDirectory</c> (beside the SQLite files), in
    /// both modes: every replica keeps its own index, fed by the same events.
    /// </summary>
    public string? IndexDirectory { get; set; }

    /// <summary>
    /// How often written changes are made searchable (near-real-time refresh). Default 100 ms; at most 1 s, so a change in
    /// Catalog is searchable within 2 s of its commit (message delivery takes the rest).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:01")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How often written changes are committed to disk. Default 1 s. Events are acknowledged before their commit; after a
    /// crash the index is rebuilt from Catalog at start, so nothing acknowledged is lost for good.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Build the index from Catalog (<c>StreamProducts</c>) at start when it was never built or the last run did not shut
    /// down cleanly. Default true.
    /// </summary>
    public bool BuildOnStart { get; set; } = true;

    /// <summary>Wait between attempts of the first build while Catalog is not reachable. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan BuildRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
