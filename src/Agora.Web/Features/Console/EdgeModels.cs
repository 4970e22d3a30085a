namespace Agora.Web.Features.Console;

// The gateway's own state as GET /api/v1/admin/edge reports it (snake_case JSON under "data"). Only what the edge page shows.

/// <summary>A cluster: its breaker (closed, open, half-open), its replicas, those outlier detection has out now, and ejections since the gateway started.</summary>
public sealed record EdgeCluster(string Cluster, string Breaker, double BreakerRetryAfterSeconds, int Replicas, IReadOnlyList<string> Ejected, long EjectionsSinceStart);

/// <summary>A breaker of a route's own rather than its cluster's.</summary>
public sealed record EdgeBreaker(string Name, string State, double RetryAfterSeconds);

/// <summary>A canary split: the routes it splits, the stable and canary clusters, the canary's weight (percent) and what each side served.</summary>
public sealed record EdgeCanary(IReadOnlyList<string> Routes, string StableCluster, string CanaryCluster, double WeightPercent, long ServedStable, long ServedCanary);

/// <summary>A deprecated route and its phase now (announced, deprecated, warning, reduced, retired).</summary>
public sealed record EdgeDeprecation(
    string Route, string Phase, DateTimeOffset? Deprecated, DateTimeOffset? WarnFrom, DateTimeOffset? ReducedFrom, DateTimeOffset? Sunset,
    string? Successor, string? RateLimiterPolicy);

/// <summary>A consumer the rate limits refused: its partition key (<c>sub:</c>, <c>client:</c>, <c>key:</c>, <c>ip:</c>), refusals, the last policy, when.</summary>
public sealed record EdgeRateLimited(string Consumer, long Rejections, string Policy, DateTimeOffset LastRejectedAt);

/// <summary>The edge at one moment, as one gateway replica saw it.</summary>
public sealed record EdgeReport(
    DateTimeOffset At, IReadOnlyList<EdgeCluster> Clusters, IReadOnlyList<EdgeBreaker> RouteBreakers, IReadOnlyList<EdgeCanary> Canaries,
    IReadOnlyList<EdgeDeprecation> Deprecations, IReadOnlyList<EdgeRateLimited> RateLimited);
