using Agora.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agora.Identity.Infrastructure;

/// <summary>
/// Rotates the signing key when the current one is older than <c>Identity:KeyRotationInterval</c> (default 90 days;
/// zero turns it off), and drops retired keys once every token they signed has expired.
/// </summary>
internal sealed partial class KeyRotationService(
    KeyRing ring, IServiceScopeFactory scopes, TimeProvider clock, IOptions<IdentityOptions> options, ILogger<KeyRotationService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KeyRotationCheckInterval, clock);
        while (await timer.NextTickOrStopAsync(stoppingToken))
        {
            try
            {
                await CheckOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckFailed(logger, ex);
            }
        }
    }

    public async Task CheckOnceAsync(CancellationToken ct)
    {
        var interval = options.Value.KeyRotationInterval;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var current = await db.SigningKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Use == "sig" && k.Status == KeyStatus.Current, ct);
        if (interval > TimeSpan.Zero && current is not null && now - current.CreatedAt >= interval)
        {
            await ring.RotateAsync(ct);
        }
        else if (await db.SigningKeys.AnyAsync(k => k.Status == KeyStatus.Retired && k.RetiresAt <= now, ct))
        {
            ring.Reload(); // rebuilding the options drops expired keys from the JWKS
        }
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Signing key rotation check failed; retrying at the next tick")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
