namespace Agora.Search.Features.Indexing;

/// <summary>The refresh loop (changes become searchable) and the commit loop (changes become durable).</summary>
internal sealed partial class IndexMaintenance(ProductIndex index, IOptions<SearchOptions> options, TimeProvider clock,
    ILogger<IndexMaintenance> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        PeriodicBackgroundService.RunEveryAsync(options.Value.RefreshInterval, clock, index.RefreshAsync, ex => LogStepFailed(logger, "refresh", ex), stoppingToken),
        PeriodicBackgroundService.RunEveryAsync(options.Value.CommitInterval, clock, index.CommitAsync, ex => LogStepFailed(logger, "commit", ex), stoppingToken));

    [LoggerMessage(EventId = 7110, Level = LogLevel.Error, Message = "Search index {Step} failed; retrying at the next tick")]
    private static partial void LogStepFailed(ILogger logger, string step, Exception exception);
}
