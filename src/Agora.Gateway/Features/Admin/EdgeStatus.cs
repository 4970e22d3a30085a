using System.Globalization;
using Agora.Gateway.Features.Canary;
using Agora.Gateway.Features.Deprecation;
using Agora.Gateway.Features.Resilience;
using Agora.Gateway.Features.Security;
using Agora.Gateway.RateLimiting;
using Agora.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Agora.Gateway.Features.Admin;

/// <summary>One cluster: its breaker, its replicas and how many of them outlier detection has out.</summary>
internal sealed record EdgeCluster(
    string Cluster, string Breaker, double BreakerRetryAfterSeconds, int Replicas, IReadOnlyList<string> Ejected, long EjectionsSinceStart);

/// <summary>A breaker of a route's own (<see cref="RoutePolicy"/>), not a cluster's.</summary>
internal sealed record EdgeBreaker(string Name, string State, double RetryAfterSeconds);

/// <summary>A canary split: the stable cluster, the canary cluster, its weight in percent, and who served how many requests.</summary>
internal sealed record EdgeCanary(IReadOnlyList<string> Routes, string StableCluster, string CanaryCluster, double WeightPercent, long ServedStable, long ServedCanary);

/// <summary>A deprecated route and its phase now.</summary>
internal sealed record EdgeDeprecation(
    string Route, string Phase, DateTimeOffset? Deprecated, DateTimeOffset? WarnFrom, DateTimeOffset? ReducedFrom, DateTimeOffset? Sunset,
    string? Successor, string? RateLimiterPolicy);

/// <summary>The edge at a glance, for the staff console.</summary>
internal sealed record EdgeStatusReport(
    DateTimeOffset At, IReadOnlyList<EdgeCluster> Clusters, IReadOnlyList<EdgeBreaker> RouteBreakers, IReadOnlyList<EdgeCanary> Canaries,
    IReadOnlyList<EdgeDeprecation> Deprecations, IReadOnlyList<RateLimitedConsumer> RateLimited);

/// <summary>
/// <c>GET /api/v1/admin/edge?top=10</c>: the gateway's own state for staff (a bearer token with the staff role and scope,
/// <see cref="ManagementOptions"/>; an API key never is): each cluster's breaker and ejected replicas, the canaries'
/// weights and what each side served, each deprecated route's phase, and the <c>top</c> (1–<see cref="MaxTop"/>, default
/// 10) consumers refused most by the rate limits. 401 without a valid token, 403 without role and scope. In-process: with
/// several gateway replicas, each answers for itself.
/// </summary>
internal static partial class EdgeStatus
{
    public const string Path = "/api/v1/admin/edge";
    public const int MaxTop = 50;

    public static IEndpointRouteBuilder MapEdgeStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, HandleAsync).WithName("GetEdgeStatus").DisableHttpMetrics();
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext context, IProxyStateLookup proxy, ClusterResilience resilience, RateLimitedConsumers refused, TimeProvider clock,
        IOptionsMonitor<GatewayOptions> options, ILoggerFactory loggers, int? top)
    {
        var management = options.CurrentValue.Management;
        var token = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!token.Succeeded)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiResults.Error(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
                "The edge status is for staff: send a bearer token with the staff role and scope.");
        }

        if (!ManagementEndpoints.IsStaff(token.Principal, management))
        {
            return ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                $"The edge status is for staff: the token needs role '{management.StaffRole}' and scope '{management.StaffScope}'.");
        }

        var count = top ?? 10;
        if (count is < 1 or > MaxTop)
        {
            return ApiResults.Validation("top", string.Create(CultureInfo.InvariantCulture, $"Must be between 1 and {MaxTop}."));
        }

        var now = clock.GetUtcNow();
        var report = new EdgeStatusReport(now, Clusters(proxy, resilience), RouteBreakers(proxy, resilience), Canaries(proxy),
            Deprecations(proxy, now), refused.Top(count));
        LogRead(loggers.CreateLogger(typeof(EdgeStatus)), token.Principal!.FindFirst("sub")?.Value ?? "unknown");
        context.Response.Headers.CacheControl = "no-store";
        return ApiResults.Ok(report);
    }

    private static List<EdgeCluster> Clusters(IProxyStateLookup proxy, ClusterResilience resilience) =>
        proxy.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal).Select(c =>
        {
            var breaker = resilience.ExistingBreaker(c.ClusterId);
            var destinations = c.Destinations.Values;
            return new EdgeCluster(c.ClusterId, Name(breaker?.State ?? CircuitState.Closed), breaker?.RetryAfter.TotalSeconds ?? 0,
                destinations.Count,
                destinations.Where(d => d.Health.Passive == DestinationHealth.Unhealthy).Select(d => d.DestinationId)
                    .Order(StringComparer.Ordinal).ToList(),
                resilience.EjectionsOf(c.ClusterId));
        }).ToList();

    private static List<EdgeBreaker> RouteBreakers(IProxyStateLookup proxy, ClusterResilience resilience)
    {
        var clusters = proxy.GetClusters().Select(c => c.ClusterId).ToHashSet(StringComparer.Ordinal);
        return resilience.Breakers.Where(b => !clusters.Contains(b.Key)).OrderBy(b => b.Key, StringComparer.Ordinal)
            .Select(b => new EdgeBreaker(b.Key, Name(b.Value.State), b.Value.RetryAfter.TotalSeconds)).ToList();
    }

    private static List<EdgeCanary> Canaries(IProxyStateLookup proxy)
    {
        var plans = new List<(CanarySplit.Plan Plan, string Stable, List<string> Routes)>();
        foreach (var route in proxy.GetRoutes().OrderBy(r => r.Config.RouteId, StringComparer.Ordinal))
        {
            var cluster = route.Cluster?.Model.Config;
            if (CanarySplit.PlanOf(route.Config, cluster) is not { } plan)
            {
                continue;
            }

            var existing = plans.FindIndex(p => ReferenceEquals(p.Plan, plan));
            if (existing >= 0)
            {
                plans[existing].Routes.Add(route.Config.RouteId);
            }
            else
            {
                plans.Add((plan, route.Config.ClusterId ?? "", [route.Config.RouteId]));
            }
        }

        return plans.Select(p => new EdgeCanary(p.Routes, p.Stable, p.Plan.Cluster, p.Plan.Weight * 100,
            Interlocked.Read(ref p.Plan.ServedStable), Interlocked.Read(ref p.Plan.ServedCanary))).ToList();
    }

    private static List<EdgeDeprecation> Deprecations(IProxyStateLookup proxy, DateTimeOffset now) =>
        proxy.GetRoutes().OrderBy(r => r.Config.RouteId, StringComparer.Ordinal)
            .Select(r => (r.Config, Plan: DeprecationPlan.For(r.Config)))
            .Where(r => r.Plan is not null)
            .Select(r => new EdgeDeprecation(r.Config.RouteId, r.Plan!.PhaseAt(now), r.Plan.Deprecated, r.Plan.WarnFrom, r.Plan.ReducedFrom,
                r.Plan.Sunset, r.Plan.Successor, r.Config.RateLimiterPolicy))
            .ToList();

    private static string Name(CircuitState state) => state switch
    {
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half-open",
        _ => "closed",
    };

    [LoggerMessage(EventId = 8500, Level = LogLevel.Information, Message = "Edge status read by staff {Subject}")]
    private static partial void LogRead(ILogger logger, string subject);
}
