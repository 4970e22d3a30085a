using Microsoft.Extensions.Options;

namespace Agora.Search.Indexing;

/// <summary>The refresh loop (changes become searchable) and the commit loop (changes become durable).</summary>
internal sealed partial class IndexMaintenance(ProductIndex index, IOptions<SearchOptions> options, TimeProvider clock,
    ILogger<IndexMaintenance> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        LoopAsync(options.Value.RefreshInterval, index.RefreshAsync, "refresh", stoppingToken),
        LoopAsync(options.Value.CommitInterval, index.CommitAsync, "commit", stoppingToken));

    private async Task LoopAsync(TimeSpan interval, Func<CancellationToken, Task> step, string name, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await step(ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogStepFailed(logger, name, ex);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopping
        }
    }

    [LoggerMessage(EventId = 7110, Level = LogLevel.Error, Message = "Search index {Step} failed; retrying at the next tick")]
    private static partial void LogStepFailed(ILogger logger, string step, Exception exception);
}
