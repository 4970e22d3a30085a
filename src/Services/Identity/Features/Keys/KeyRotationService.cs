namespace Agora.Identity.Features.Keys;

/// <summary>
/// Rotates the signing key when the current one is older than <c>Identity:KeyRotationInterval</c> (default 90 days;
/// zero turns it off), and drops retired keys once every token they signed has expired.
/// </summary>
internal sealed partial class KeyRotationService(
    KeyRing ring, IServiceScopeFactory scopes, TimeProvider clock, IOptions<IdentityOptions> options, ILogger<KeyRotationService> logger)
    : PeriodicBackgroundService(clock)
{
    protected override TimeSpan Interval => options.Value.KeyRotationCheckInterval;

    protected override Task RunStepAsync(CancellationToken ct) => CheckOnceAsync(ct);

    protected override void OnStepFailed(Exception exception) => LogCheckFailed(logger, exception);

    public async Task CheckOnceAsync(CancellationToken ct)
    {
        var interval = options.Value.KeyRotationInterval;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var now = Clock.GetUtcNow().UtcDateTime;
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
