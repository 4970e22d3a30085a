using System.Globalization;
using Agora.Gateway.RateLimiting.Stores;

namespace Agora.Gateway.RateLimiting.Policies;

/// <summary>One sliding window of a policy, with its header texts computed once.</summary>
/// <param name="Limit">Requests allowed per window.</param>
/// <param name="WindowMs">Window length in milliseconds.</param>
/// <param name="IetfName">The policy item's name in the IETF <c>RateLimit</c> fields.</param>
internal sealed record WindowSpec(long Limit, long WindowMs, string IetfName)
{
    public string LimitText { get; } = Limit.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A validated, ready-to-run policy: its numbers, its store and the constant parts of its headers.</summary>
internal sealed class RateLimitPolicy
{
    public RateLimitPolicy(string name, RateLimitPolicyOptions options, RateLimitStoreKind store)
    {
        Name = name;
        Algorithm = options.Algorithm;
        FaultTolerant = options.FaultTolerant;
        StoreKind = store;
        if (Algorithm == RateLimitAlgorithm.TokenBucket)
        {
            Capacity = options.Capacity;
            RefillPerSecond = options.RefillPerSecond;

            // The IETF quota of a bucket: its capacity, restored from empty in capacity / rate seconds.
            var refillMs = (long)Math.Ceiling(Capacity / RefillPerSecond * 1000);
            Windows = [new WindowSpec(Capacity, refillMs, name)];
        }
        else
        {
            var windows = options.Windows.Count > 0
                ? options.Windows.Select(w => (w.Limit, w.Window)).ToList()
                : [(options.Limit!.Value, options.Window!.Value)];
            Windows = windows
                .Select(w => new WindowSpec(w.Item1, (long)w.Item2.TotalMilliseconds,
                    windows.Count == 1 ? name : $"{name}-{(long)w.Item2.TotalSeconds}s"))
                .ToArray();
        }

        PolicyHeader = string.Join(", ", Windows.Select(w =>
            $"\"{w.IetfName}\";q={w.Limit};w={(long)Math.Ceiling(w.WindowMs / 1000d)}"));
        AllowedTags = [new("policy", name), new("outcome", "allowed")];
        RejectedTags = [new("policy", name), new("outcome", "rejected")];
    }

    /// <summary>The configured name.</summary>
    public string Name { get; }

    public RateLimitAlgorithm Algorithm { get; }

    /// <summary>Fail open (true) or closed when the store is unreachable.</summary>
    public bool FaultTolerant { get; }

    public RateLimitStoreKind StoreKind { get; }

    /// <summary>Token bucket: the capacity.</summary>
    public long Capacity { get; }

    /// <summary>Token bucket: tokens per second.</summary>
    public double RefillPerSecond { get; }

    /// <summary>Sliding window: every window; token bucket: one pseudo-window describing the bucket for the headers.</summary>
    public WindowSpec[] Windows { get; }

    /// <summary>The <c>RateLimit-Policy</c> field value, constant per policy.</summary>
    public string PolicyHeader { get; }

    /// <summary>Where the counters live; set once the stores exist.</summary>
    public IRateLimitStore Store { get; set; } = null!;

    /// <summary>Per-policy state of the local store (partition → counters).</summary>
    internal object? LocalState { get; set; }

    /// <summary>Per-policy script arguments of the Redis store.</summary>
    internal object? RedisArguments { get; set; }

    public KeyValuePair<string, object?>[] AllowedTags { get; }

    public KeyValuePair<string, object?>[] RejectedTags { get; }
}
