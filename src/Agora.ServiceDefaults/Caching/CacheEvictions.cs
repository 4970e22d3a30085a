using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Agora.ServiceDefaults.Caching;

/// <summary>
/// Removes a cache entry everywhere it may be held. HybridCache's <c>RemoveAsync</c> clears this process's copy (L1) and
/// Redis (L2), but not the L1 copies of the service's other instances (replicas, a canary), which would go on serving
/// the old value until their local expiry. In the distributed mode every eviction is therefore also published on a
/// Redis channel of the service (<c>agora:&lt;service&gt;:evictions</c>), and every instance drops its own copy when it
/// hears one; in the embedded mode there is one instance and nothing is published. <see cref="Evicted"/> tells an
/// instance about evictions made elsewhere, for caches that are not HybridCache (a service's page cache).
/// <para>
/// Every eviction is repeated once, <see cref="RepeatAfter"/> later. A read that began before the change can still be
/// writing its old value when the eviction runs: HybridCache writes Redis in the background after the caller has its
/// value, and its own in-process copy is set as the factory returns. Such a late write would otherwise survive the
/// eviction for the entry's whole expiry (Redis: minutes) and be served by every instance. Repeats are coalesced per
/// key: a key evicted again while its repeat is pending is repeated once more after that one, never more often than
/// once per <see cref="RepeatAfter"/>.
/// </para>
/// </summary>
public sealed partial class CacheEvictions : IHostedService, IAsyncDisposable
{
    private readonly HybridCache _cache;
    private readonly string? _redis;
    private readonly RedisChannel _channel;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly ILogger<CacheEvictions> _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, PendingRepeat> _repeats = new(StringComparer.Ordinal);
    private ConnectionMultiplexer? _connection;
    private bool _disposed;

    internal CacheEvictions(HybridCache cache, string? redis, string serviceName, ILogger<CacheEvictions> logger, TimeProvider time)
    {
        _cache = cache;
        _redis = redis;
        _channel = RedisChannel.Literal($"agora:{serviceName}:evictions");
        _logger = logger;
        _time = time;
    }

    /// <summary>How long after an eviction it is repeated, to remove a copy a read in flight wrote after it.</summary>
    public static TimeSpan RepeatAfter { get; } = TimeSpan.FromSeconds(2);

    /// <summary>A key another instance evicted (this instance's HybridCache copy is already gone when it is raised).</summary>
    public event Action<string>? Evicted;

    /// <summary>Removes <paramref name="key"/> here, from Redis, and from every other instance's in-process cache.</summary>
    public async ValueTask EvictAsync(string key, CancellationToken cancellationToken = default)
    {
        await EvictEverywhereAsync(key, cancellationToken);
        ScheduleRepeat(key);
    }

    private async ValueTask EvictEverywhereAsync(string key, CancellationToken cancellationToken)
    {
        await _cache.RemoveAsync(key, cancellationToken);
        if (_connection is { } connection)
        {
            try
            {
                await connection.GetSubscriber().PublishAsync(_channel, _instance + "|" + key);
            }
            catch (RedisException e)
            {
                // The other instances' copies then live out their local expiry: stale for a while, never wrong for long.
                LogPublishFailed(_logger, key, e);
            }
        }
    }

    private void ScheduleRepeat(string key)
    {
        lock (_repeats)
        {
            if (_disposed)
            {
                return;
            }

            if (_repeats.TryGetValue(key, out var pending))
            {
                pending.Again = true; // evicted again meanwhile: repeat once more after the pending repeat
                return;
            }

            var repeat = new PendingRepeat();
            _repeats[key] = repeat;
            repeat.Timer = _time.CreateTimer(static state => ((RepeatState)state!).Fire(), new RepeatState(this, key), RepeatAfter, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task RepeatAsync(string key)
    {
        lock (_repeats)
        {
            // Settled before evicting, so an eviction arriving while this one runs is repeated too.
            if (_repeats.TryGetValue(key, out var pending))
            {
                if (pending.Again && !_disposed)
                {
                    pending.Again = false;
                    pending.Timer?.Change(RepeatAfter, Timeout.InfiniteTimeSpan);
                }
                else
                {
                    pending.Timer?.Dispose();
                    _repeats.Remove(key);
                }
            }
        }

        try
        {
            await EvictEverywhereAsync(key, CancellationToken.None);
        }
        catch (Exception e) when (e is RedisException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            LogEvictFailed(_logger, key, e);
        }
    }

    async Task IHostedService.StartAsync(CancellationToken cancellationToken)
    {
        if (_redis is null)
        {
            return;
        }

        var options = ConfigurationOptions.Parse(_redis);
        options.AbortOnConnectFail = false; // reconnects by itself; resubscribes on reconnect
        _connection = await ConnectionMultiplexer.ConnectAsync(options);
        await _connection.GetSubscriber().SubscribeAsync(_channel, (_, message) => OnMessage(message));
    }

    private void OnMessage(RedisValue message)
    {
        var text = (string?)message;
        var split = text?.IndexOf('|', StringComparison.Ordinal) ?? -1;
        if (text is null || split <= 0 || text.AsSpan(0, split).SequenceEqual(_instance))
        {
            return; // malformed, or our own
        }

        var key = text[(split + 1)..];
        _ = EvictLocallyAsync(key);
    }

    private async Task EvictLocallyAsync(string key)
    {
        try
        {
            await _cache.RemoveAsync(key);
            Evicted?.Invoke(key);
        }
        catch (Exception e) when (e is RedisException or OperationCanceledException or InvalidOperationException)
        {
            LogEvictFailed(_logger, key, e);
        }
    }

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        lock (_repeats)
        {
            _disposed = true;
            foreach (var pending in _repeats.Values)
            {
                pending.Timer?.Dispose();
            }

            _repeats.Clear();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    private sealed class PendingRepeat
    {
        public ITimer? Timer { get; set; }

        public bool Again { get; set; }
    }

    private sealed record RepeatState(CacheEvictions Evictions, string Key)
    {
        public void Fire() => _ = Evictions.RepeatAsync(Key);
    }

    [LoggerMessage(EventId = 9301, Level = LogLevel.Warning, Message = "Could not tell the other instances to evict {Key}; their copies expire on their own")]
    private static partial void LogPublishFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(EventId = 9302, Level = LogLevel.Warning, Message = "Could not evict {Key} after another instance changed it")]
    private static partial void LogEvictFailed(ILogger logger, string key, Exception exception);
}
