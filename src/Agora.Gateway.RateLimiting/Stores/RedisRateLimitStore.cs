using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Agora.Gateway.RateLimiting.Policies;
using StackExchange.Redis;

namespace Agora.Gateway.RateLimiting.Stores;

/// <summary>
/// Counters in Redis, shared by every gateway replica: one atomic script call (one round trip) per request and policy.
/// Concurrent requests share one multiplexed connection, so their calls are pipelined. Commands fail fast while the
/// connection is down and time out after <see cref="AgoraRateLimitingOptions.RedisTimeout"/>; either way the caller
/// gets a <see cref="RateLimitStoreUnavailableException"/> and the policy fails open or closed.
/// </summary>
internal sealed class RedisRateLimitStore : IRateLimitStore, IDisposable
{
    // SHA-1 is what EVALSHA names a script by; no security rests on it.
#pragma warning disable CA5350
    private static readonly byte[] TokenBucketHash = SHA1.HashData(Encoding.UTF8.GetBytes(RedisScripts.TokenBucket));
    private static readonly byte[] SlidingWindowHash = SHA1.HashData(Encoding.UTF8.GetBytes(RedisScripts.SlidingWindow));
#pragma warning restore CA5350
    private readonly Lazy<ConnectionMultiplexer> _connection;
    private readonly string _keyPrefix;

    public RedisRateLimitStore(AgoraRateLimitingOptions options)
    {
        _keyPrefix = options.KeyPrefix;
        var configuration = ConfigurationOptions.Parse(options.Redis!);
        var timeout = (int)Math.Max(1, options.RedisTimeout.TotalMilliseconds);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.AsyncTimeout = timeout;
        configuration.SyncTimeout = timeout;
        configuration.ConnectTimeout = Math.Max(timeout, 1000);

        // Timeouts are only noticed on the heartbeat; beat often enough that a stalled Redis costs about the timeout.
        configuration.HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Clamp(timeout / 2, 50, 1000));
        configuration.ClientName ??= "agora-gateway-ratelimit";
        _connection = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(configuration));
    }

    /// <summary>Takes <paramref name="policy"/> into this store and computes its constant script arguments.</summary>
    public void Attach(RateLimitPolicy policy)
    {
        policy.Store = this;
        if (policy.Algorithm == RateLimitAlgorithm.TokenBucket)
        {
            var ttl = (long)Math.Ceiling(policy.Capacity / policy.RefillPerSecond * 1000) + 1000;
            policy.RedisArguments = new RedisValue[]
            {
                policy.Capacity,
                policy.RefillPerSecond.ToString("R", CultureInfo.InvariantCulture),
                ttl,
                1,
            };
            return;
        }

        var args = new List<RedisValue> { policy.Windows.Length };
        foreach (var window in policy.Windows)
        {
            args.Add(window.Limit);
            args.Add(window.WindowMs);
        }

        // Two windows: the previous one still weighs until the current one ends.
        args.Add((2 * policy.Windows.Max(w => w.WindowMs)) + 1000);
        args.Add(1);
        policy.RedisArguments = args.ToArray();
    }

    /// <summary>Connects now (in the background when Redis is down) rather than on the first request.</summary>
    public void Start() => _ = _connection.Value;

    public async ValueTask<RateLimitDecision> AcquireAsync(RateLimitPolicy policy, string partition, int permits, CancellationToken cancellationToken)
    {
        RedisKey[] keys = [string.Concat(_keyPrefix, policy.Name, ":", partition)];
        var args = (RedisValue[])policy.RedisArguments!;
        if (permits != 1)
        {
            // The arguments end with the permits: 1 precomputed for the common case, a copy for the others.
            args = (RedisValue[])args.Clone();
            args[^1] = permits;
        }

        var tokenBucket = policy.Algorithm == RateLimitAlgorithm.TokenBucket;
        RedisResult result;
        try
        {
            var database = _connection.Value.GetDatabase();
            result = await EvaluateAsync(database, tokenBucket, keys, args);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            throw new RateLimitStoreUnavailableException($"Redis did not answer for rate limit policy '{policy.Name}'.", ex);
        }

        var values = (RedisResult[])result!;
        var allowed = (long)values[0] == 1;
        if (tokenBucket)
        {
            var tokens = double.Parse((string)values[1]!, NumberStyles.Float, CultureInfo.InvariantCulture);
            return Algorithms.TokenBucketDecision(allowed, tokens, policy.Capacity, policy.RefillPerSecond, permits);
        }

        var now = (long)values[1];
        Span<long> state = stackalloc long[policy.Windows.Length * 3];
        for (var i = 0; i < state.Length; i++)
        {
            state[i] = (long)values[i + 2];
        }

        return Algorithms.SlidingWindowDecision(allowed, now, state, policy.Windows, permits);
    }

    private static async Task<RedisResult> EvaluateAsync(IDatabase database, bool tokenBucket, RedisKey[] keys, RedisValue[] args)
    {
        try
        {
            return await database.ScriptEvaluateAsync(tokenBucket ? TokenBucketHash : SlidingWindowHash, keys, args);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // First call on this server (or after a restart / SCRIPT FLUSH): EVAL loads it for the next EVALSHA.
            return await database.ScriptEvaluateAsync(tokenBucket ? RedisScripts.TokenBucket : RedisScripts.SlidingWindow, keys, args);
        }
    }

    public void Dispose()
    {
        if (_connection.IsValueCreated)
        {
            _connection.Value.Dispose();
        }
    }
}
