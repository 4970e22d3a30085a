namespace Agora.Search.Infrastructure;

/// <summary>
/// Search's database holds only Wolverine's durable inbox (and dead letters): the index itself is a Lucene directory.
/// No entities: the one (empty) migration per engine only creates the database, and Wolverine creates its tables at start.
/// </summary>
public sealed class SearchDbContext(DbContextOptions<SearchDbContext> options) : DbContext(options);
