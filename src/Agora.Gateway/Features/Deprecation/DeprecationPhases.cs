using System.Globalization;
using System.Runtime.CompilerServices;
using Agora.Http;
using Agora.Hosting;
using Yarp.ReverseProxy.Configuration;

namespace Agora.Gateway.Features.Deprecation;

/// <summary>
/// A route's deprecation (guide §3.3), from its <c>Metadata</c> — configuration, not code:
/// <list type="bullet">
/// <item><c>Deprecation.Date</c>: when it was (or will be) deprecated; sends <c>Deprecation: @&lt;unix time&gt;</c> (RFC 9745).
/// <c>true</c> sends <c>Deprecation: true</c> as the seed writes it.</item>
/// <item><c>Deprecation.Sunset</c>: sends <c>Sunset</c> (RFC 8594); from that moment the route answers 410 <c>API_VERSION_RETIRED</c>.</item>
/// <item><c>Deprecation.Successor</c>: sends <c>Link: &lt;…&gt;; rel="successor-version"</c>.</item>
/// <item><c>Deprecation.WarnFrom</c>: the warning phase; adds <c>Warning: 299 - "…"</c> to every answer.</item>
/// <item><c>Deprecation.ReducedFrom</c> + <c>Deprecation.ReducedRateLimiterPolicy</c>: the reduced-limit phase; from that
/// date the route's <c>RateLimiterPolicy</c> is replaced by the named one (<see cref="DeprecationConfigFilter"/>).</item>
/// </list>
/// </summary>
internal sealed record DeprecationPlan(
    DateTimeOffset? Deprecated, bool DeprecatedWithoutDate, DateTimeOffset? Sunset, string? Successor, DateTimeOffset? WarnFrom,
    DateTimeOffset? ReducedFrom, string? ReducedPolicy)
{
    public const string DateKey = "Deprecation.Date", SunsetKey = "Deprecation.Sunset", SuccessorKey = "Deprecation.Successor",
        WarnFromKey = "Deprecation.WarnFrom", ReducedFromKey = "Deprecation.ReducedFrom", ReducedPolicyKey = "Deprecation.ReducedRateLimiterPolicy";

    private static readonly ConditionalWeakTable<RouteConfig, DeprecationPlan?> Plans = [];

    public static DeprecationPlan? For(RouteConfig route) => Plans.GetValue(route, Parse);

    public static DeprecationPlan? Parse(RouteConfig route)
    {
        var m = route.Metadata;
        if (m is null || !m.Keys.Any(k => k.StartsWith("Deprecation.", StringComparison.Ordinal)))
        {
            return null;
        }

        var dateText = m.GetValueOrDefault(DateKey);
        return new DeprecationPlan(
            Date(dateText), string.Equals(dateText, "true", StringComparison.OrdinalIgnoreCase),
            Date(m.GetValueOrDefault(SunsetKey)), m.GetValueOrDefault(SuccessorKey), Date(m.GetValueOrDefault(WarnFromKey)),
            Date(m.GetValueOrDefault(ReducedFromKey)), m.GetValueOrDefault(ReducedPolicyKey));
    }

    /// <summary>
    /// The phase at <paramref name="now"/>, latest first: <c>retired</c> (past the sunset: 410), <c>reduced</c> (the reduced
    /// rate limit), <c>warning</c> (the <c>Warning</c> header), <c>deprecated</c> (headers only), <c>announced</c> (a
    /// deprecation date still ahead).
    /// </summary>
    public string PhaseAt(DateTimeOffset now) =>
        Sunset is { } sunset && now >= sunset ? "retired"
        : ReducedFrom is { } reduced && now >= reduced && ReducedPolicy is { Length: > 0 } ? "reduced"
        : WarnFrom is { } warn && now >= warn ? "warning"
        : DeprecatedWithoutDate || Deprecated is not { } deprecated || now >= deprecated ? "deprecated"
        : "announced";

    private static DateTimeOffset? Date(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;
}

/// <summary>The proxy-pipeline step that sends the deprecation headers, the warning, and 410 after the sunset.</summary>
internal static class DeprecationHeaders
{
    public const string RetiredCode = "API_VERSION_RETIRED";

    public static Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var plan = DeprecationPlan.For(context.GetReverseProxyFeature().Route.Config);
        if (plan is null)
        {
            return next();
        }

        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var headers = context.Response.Headers;
        if (plan.Deprecated is { } deprecated)
        {
            headers["Deprecation"] = "@" + deprecated.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }
        else if (plan.DeprecatedWithoutDate)
        {
            headers["Deprecation"] = "true";
        }

        if (plan.Sunset is { } sunset)
        {
            headers["Sunset"] = sunset.ToString("R", CultureInfo.InvariantCulture);
        }

        if (plan.Successor is { Length: > 0 } successor)
        {
            headers.Link = $"<{successor}>; rel=\"successor-version\"";
        }

        if (plan.Sunset is { } end && now >= end)
        {
            return ApiResults.Error(StatusCodes.Status410Gone, RetiredCode,
                $"This API version was retired on {end.ToString("R", CultureInfo.InvariantCulture)}."
                + (plan.Successor is { Length: > 0 } s ? $" Use {s} instead." : "")).ExecuteAsync(context);
        }

        if (plan.WarnFrom is { } warn && now >= warn)
        {
            headers["Warning"] = "299 - \"Deprecated API: this version "
                + (plan.Sunset is { } sunsetAt ? $"stops working on {sunsetAt.ToString("R", CultureInfo.InvariantCulture)}" : "will be retired")
                + (plan.Successor is { Length: > 0 } next2 ? $"; migrate to {next2}" : "") + "\"";
        }

        return next();
    }
}

/// <summary>
/// The reduced-limit phase: when YARP loads the configuration, a route past its <c>Deprecation.ReducedFrom</c> gets its
/// <c>RateLimiterPolicy</c> replaced by <c>Deprecation.ReducedRateLimiterPolicy</c>. <see cref="DeprecationPhaseClock"/>
/// reloads the configuration when a phase begins, so the switch needs no edit and no restart.
/// </summary>
internal sealed class DeprecationConfigFilter(TimeProvider clock) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => ValueTask.FromResult(cluster);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        var plan = DeprecationPlan.Parse(route);
        if (plan is { ReducedFrom: { } from, ReducedPolicy: { Length: > 0 } reduced } && clock.GetUtcNow() >= from)
        {
            return ValueTask.FromResult(route with { RateLimiterPolicy = reduced });
        }

        return ValueTask.FromResult(route);
    }
}

/// <summary>
/// Reloads the configuration when a route enters its reduced-limit phase (checked every minute), so
/// <see cref="DeprecationConfigFilter"/> applies it on the date itself.
/// </summary>
internal sealed partial class DeprecationPhaseClock(
    IConfiguration configuration,
    Yarp.ReverseProxy.IProxyStateLookup proxy,
    TimeProvider clock,
    ILogger<DeprecationPhaseClock> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = clock.GetUtcNow();
            var due = proxy.GetRoutes().Select(r => (r.Config, Plan: DeprecationPlan.Parse(r.Config)))
                .Where(r => r.Plan is { ReducedFrom: { } from, ReducedPolicy: { Length: > 0 } p } && now >= from && r.Config.RateLimiterPolicy != p)
                .Select(r => r.Config.RouteId).ToList();
            if (due.Count > 0 && configuration is IConfigurationRoot root)
            {
                LogReducedPhase(logger, string.Join(", ", due));
                root.Reload();
            }
        }
    }

    [LoggerMessage(EventId = 8400, Level = LogLevel.Information, Message = "Routes entering their reduced rate-limit phase: {Routes}; reloading the configuration")]
    private static partial void LogReducedPhase(ILogger logger, string routes);
}
