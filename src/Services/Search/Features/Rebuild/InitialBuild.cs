using Agora.Search.Features.Indexing;
using Grpc.Core;

namespace Agora.Search.Features.Rebuild;

/// <summary>Builds the index from Catalog at start when it was never built or the last run crashed, retrying until Catalog answers.</summary>
internal sealed partial class InitialBuild(
    ProductIndex index, IServiceProvider services, Microsoft.Extensions.Options.IOptions<SearchOptions> options, TimeProvider clock,
    ILogger<InitialBuild> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.BuildOnStart)
        {
            return;
        }

        while (index.NeedsBuild && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var importer = scope.ServiceProvider.GetRequiredService<CatalogImporter>();
                if (await index.RebuildAsync(importer.ReadAllAsync(stoppingToken), stoppingToken) is not null)
                {
                    return;
                }
            }
            catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogWaiting(logger, ex.StatusCode, options.Value.BuildRetryDelay.TotalSeconds);
            }

            try
            {
                await Task.Delay(options.Value.BuildRetryDelay, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 7121, Level = LogLevel.Warning, Message = "Search index not built yet: Catalog answered {Status}; next try in {Seconds} s")]
    private static partial void LogWaiting(ILogger logger, StatusCode status, double seconds);
}
