namespace Agora.Gateway.RateLimiting;

/// <summary>How a policy counts requests (guide §5.1).</summary>
public enum RateLimitAlgorithm
{
    /// <summary>
    /// Tokens refill at a constant rate up to a capacity; each request takes one. Allows bursts up to the capacity
    /// while holding the average rate (seed: capacity 100, refill 10/s).
    /// </summary>
    TokenBucket,

    /// <summary>
    /// The seed's weighted two-window count: <c>previous × (1 − elapsed/window) + current</c> must stay within the
    /// limit. A policy may hold several windows (e.g. 100 per minute and 1,000 per hour); all must admit.
    /// </summary>
    SlidingWindow,
}

/// <summary>Where a policy keeps its counters.</summary>
public enum RateLimitStoreKind
{
    /// <summary>In this process (embedded mode, one gateway replica). The same algorithms as Redis.</summary>
    Local,

    /// <summary>In Redis, updated by one atomic Lua script per request, so every gateway replica shares one limit.</summary>
    Redis,
}

/// <summary>
/// The gateway's rate limiting, bound from one configuration section (conventionally <c>Agora:RateLimiting</c>).
/// </summary>
public sealed class AgoraRateLimitingOptions
{
    /// <summary>Conventional configuration section.</summary>
    public const string SectionName = "Agora:RateLimiting";

    /// <summary>
    /// The policy of every endpoint that names none (and of requests that match no endpoint). Default none: such
    /// endpoints are not limited.
    /// </summary>
    public string? DefaultPolicy { get; set; }

    /// <summary>
    /// Route templates under these prefixes never get <see cref="DefaultPolicy"/> (a policy named on the route still
    /// applies). Always <c>/health</c> and <c>/metrics</c>, so probes and scrapes are never refused; configured entries
    /// are added to those.
    /// </summary>
    public IList<string> ExemptFromDefault { get; set; } = ["/health", "/metrics"];

    /// <summary>
    /// The store of policies that do not name one. Default <see cref="RateLimitStoreKind.Local"/>, or
    /// <see cref="RateLimitStoreKind.Redis"/> when <c>Agora:Mode</c> is <c>Distributed</c>.
    /// </summary>
    public RateLimitStoreKind Store { get; set; } = RateLimitStoreKind.Local;

    /// <summary>
    /// StackExchange.Redis configuration string (<c>host:port[,options]</c>); required when any policy uses the Redis
    /// store. Default <c>ConnectionStrings:redis</c>.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>
    /// The longest a request waits for Redis before the policy fails open or closed. Default 250 ms, so a Redis
    /// outage never makes the gateway hang.
    /// </summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Prefix of every Redis key. Default <c>agora:rl:</c>; keys are <c>{prefix}{policy}:{partition}</c>.</summary>
    public string KeyPrefix { get; set; } = "agora:rl:";

    /// <summary>
    /// Addresses (<c>10.0.0.7</c>) and networks (<c>10.0.0.0/8</c>) of proxies in front of the gateway. Only when the
    /// immediate peer is one of them is <c>X-Forwarded-For</c> read, from the right, to the first untrusted address.
    /// Default empty: the peer's address is the client's.
    /// </summary>
    public IList<string> TrustedProxies { get; set; } = [];

    /// <summary>The named policies, selected per route by name.</summary>
    public IDictionary<string, RateLimitPolicyOptions> Policies { get; set; } =
        new Dictionary<string, RateLimitPolicyOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>What is limited before authentication, by client address (<c>UseAgoraPreAuthenticationRateLimiting</c>).</summary>
    public PreAuthenticationOptions PreAuthentication { get; set; } = new();
}

/// <summary>
/// Limits by client address that run before authentication, so that credentials nobody has checked yet cannot buy a
/// caller more requests (or more work for whoever checks them) than an anonymous caller gets.
/// </summary>
public sealed class PreAuthenticationOptions
{
    /// <summary>
    /// A policy every request counts against by its client address (<c>ip:…</c>, IPv6 per /64) before authentication,
    /// whatever credentials it carries: the ceiling one address can make the edge work at. Probes (paths under
    /// <c>/health</c>) are not counted. A policy with its own
    /// <c>Store: Local</c> keeps this off Redis (a per-replica ceiling). Default none.
    /// </summary>
    public string? Policy { get; set; }
}

/// <summary>One named policy.</summary>
public sealed class RateLimitPolicyOptions
{
    /// <summary>Token bucket or sliding window. Default <see cref="RateLimitAlgorithm.SlidingWindow"/>.</summary>
    public RateLimitAlgorithm Algorithm { get; set; } = RateLimitAlgorithm.SlidingWindow;

    /// <summary>Token bucket: the bucket size, i.e. the largest burst. Seed default 100.</summary>
    public int Capacity { get; set; } = 100;

    /// <summary>Token bucket: tokens added per second (fractions allowed). Seed default 10.</summary>
    public double RefillPerSecond { get; set; } = 10;

    /// <summary>Sliding window shorthand for a single window: requests allowed per <see cref="Window"/>.</summary>
    public int? Limit { get; set; }

    /// <summary>Sliding window shorthand for a single window: its length (e.g. <c>00:01:00</c>).</summary>
    public TimeSpan? Window { get; set; }

    /// <summary>Sliding window: every window of the policy (e.g. 100 per minute and 1,000 per hour); all must admit.</summary>
    public IList<RateLimitWindowOptions> Windows { get; set; } = [];

    /// <summary>
    /// What happens when the store cannot be reached: true (the default, Kong's <c>fault_tolerant</c>) lets the request
    /// through without limit headers; false answers 503.
    /// </summary>
    public bool FaultTolerant { get; set; } = true;

    /// <summary>Where the counters live; default the section's <see cref="AgoraRateLimitingOptions.Store"/>.</summary>
    public RateLimitStoreKind? Store { get; set; }
}

/// <summary>One sliding window: <see cref="Limit"/> requests per <see cref="Window"/>.</summary>
public sealed class RateLimitWindowOptions
{
    /// <summary>Requests allowed per window.</summary>
    public int Limit { get; set; }

    /// <summary>The window length (whole seconds or more).</summary>
    public TimeSpan Window { get; set; }
}
