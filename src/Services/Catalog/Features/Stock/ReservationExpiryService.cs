using Agora.Hosting;
using Microsoft.Extensions.Options;

namespace Agora.Catalog.Features.Stock;

/// <summary>Returns the stock of reservations nobody committed or released before they expired.</summary>
internal sealed partial class ReservationExpiryService(
    IServiceScopeFactory scopes, TimeProvider clock, IOptions<CatalogOptions> options, ILogger<ReservationExpiryService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval, clock);
        while (await timer.NextTickOrStopAsync(stoppingToken))
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    /// <summary>One sweep; public to tests and to anyone who wants it now.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var expired = await scope.ServiceProvider.GetRequiredService<StockLedger>().ExpireDueAsync(ct);
        if (expired > 0)
        {
            LogExpired(logger, expired);
        }

        return expired;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Returned the stock of {Count} expired reservation(s)")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Reservation expiry sweep failed; retrying at the next tick")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
