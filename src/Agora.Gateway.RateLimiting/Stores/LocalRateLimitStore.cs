using System.Collections.Concurrent;
using Agora.Gateway.RateLimiting.Policies;

namespace Agora.Gateway.RateLimiting.Stores;

/// <summary>
/// Counters in this process: the limiter of a single gateway replica (embedded mode), running the same algorithms as
/// the Redis store. One lock per partition; idle partitions are swept so client IPs cannot grow memory without bound.
/// </summary>
internal sealed class LocalRateLimitStore : IRateLimitStore, IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);
    private readonly TimeProvider _time;
    private readonly List<RateLimitPolicy> _policies = [];
    private readonly ITimer _sweeper;

    public LocalRateLimitStore(TimeProvider time)
    {
        _time = time;
        _sweeper = time.CreateTimer(static s => ((LocalRateLimitStore)s!).Sweep(), this, SweepInterval, SweepInterval);
    }

    /// <summary>Partitions currently held, over every policy (for tests and diagnostics).</summary>
    public int PartitionCount => _policies.Sum(p => Partitions(p).Count);

    /// <summary>Takes <paramref name="policy"/> into this store.</summary>
    public void Attach(RateLimitPolicy policy)
    {
        policy.LocalState = new ConcurrentDictionary<string, Counter>(StringComparer.Ordinal);
        policy.Store = this;
        lock (_policies)
        {
            _policies.Add(policy);
        }
    }

    public ValueTask<RateLimitDecision> AcquireAsync(RateLimitPolicy policy, string partition, int permits, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Acquire(policy, partition, permits));

    public RateLimitDecision Acquire(RateLimitPolicy policy, string partition, int permits = 1)
    {
        var partitions = Partitions(policy);
        while (true)
        {
            var counter = partitions.GetOrAdd(partition, static (_, p) => new Counter(p), policy);
            lock (counter)
            {
                // A sweep removed this counter after we looked it up: count in its replacement instead.
                if (counter.Dead)
                {
                    continue;
                }

                var now = _time.GetUtcNow();
                if (policy.Algorithm == RateLimitAlgorithm.TokenBucket)
                {
                    var micros = (now.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;
                    if (counter.LastMicros == 0)
                    {
                        counter.LastMicros = micros;
                    }

                    return Algorithms.TokenBucket(ref counter.Tokens, ref counter.LastMicros, micros, policy.Capacity, policy.RefillPerSecond, permits);
                }

                return Algorithms.SlidingWindow(counter.Windows, now.ToUnixTimeMilliseconds(), policy.Windows, permits);
            }
        }
    }

    /// <summary>Drops partitions whose state equals a fresh one: a full bucket, or windows with nothing left to weigh.</summary>
    internal void Sweep()
    {
        RateLimitPolicy[] policies;
        lock (_policies)
        {
            policies = [.. _policies];
        }

        var now = _time.GetUtcNow();
        var micros = (now.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;
        var ms = now.ToUnixTimeMilliseconds();
        foreach (var policy in policies)
        {
            var partitions = Partitions(policy);
            foreach (var (key, counter) in partitions)
            {
                lock (counter)
                {
                    if (!IsIdle(policy, counter, micros, ms))
                    {
                        continue;
                    }

                    counter.Dead = true;
                    partitions.TryRemove(new KeyValuePair<string, Counter>(key, counter));
                }
            }
        }
    }

    private static bool IsIdle(RateLimitPolicy policy, Counter counter, long micros, long ms)
    {
        if (policy.Algorithm == RateLimitAlgorithm.TokenBucket)
        {
            var refilled = counter.Tokens + ((micros - counter.LastMicros) * policy.RefillPerSecond / 1_000_000d);
            return refilled >= policy.Capacity;
        }

        for (var i = 0; i < policy.Windows.Length; i++)
        {
            // Counts of a window two or more windows ago weigh nothing any more.
            if (counter.Windows[i * 3] >= (ms / policy.Windows[i].WindowMs) - 1)
            {
                return false;
            }
        }

        return true;
    }

    private static ConcurrentDictionary<string, Counter> Partitions(RateLimitPolicy policy) =>
        (ConcurrentDictionary<string, Counter>)policy.LocalState!;

    public void Dispose() => _sweeper.Dispose();

    /// <summary>One partition's state; the object is also its lock.</summary>
    private sealed class Counter(RateLimitPolicy policy)
    {
        public double Tokens = policy.Capacity;
        public long LastMicros;
        public readonly long[] Windows = new long[policy.Windows.Length * 3];
        public bool Dead;
    }
}
