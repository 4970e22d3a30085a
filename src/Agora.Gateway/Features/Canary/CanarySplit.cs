using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Agora.Gateway.Features.Canary;

/// <summary>
/// Canary releases, from configuration (guide §7.3: 90/10). A route's <c>Metadata</c> names the canary cluster and its
/// share: <c>"Canary.Cluster": "catalog-canary", "Canary.Weight": "10"</c>; the route's own cluster is the stable
/// version. The same two keys in a cluster's <c>Metadata</c> split every route to that cluster (a route's own keys win):
/// a whole service's canary in one place. The split is interleaved, not random (a counter per route, or per cluster),
/// so any 100 consecutive requests hold exactly the configured share. The <c>X-Agora-Version</c> header (<see cref="GatewayOptions.CanaryHeader"/>) pins a request:
/// <c>stable</c> or <c>canary</c>. The answer says which side served it in the same header.
/// </summary>
internal static class CanarySplit
{
    public const string ClusterKey = "Canary.Cluster", WeightKey = "Canary.Weight";
    public const string Stable = "stable", CanaryVersion = "canary";

    /// <summary>A canary's split and what it has served (since the plan was read: a reload of its route or cluster starts anew).</summary>
    internal sealed class Plan(string cluster, double weight)
    {
        public string Cluster { get; } = cluster;
        public double Weight { get; } = weight;
        public long Requests;
        public long ServedStable;
        public long ServedCanary;
    }

    /// <summary>The plan that splits <paramref name="route"/>'s traffic (its own, else its cluster's), or none.</summary>
    internal static Plan? PlanOf(RouteConfig route, ClusterConfig? cluster) =>
        RoutePlans.GetValue(route, static r => Parse(r.Metadata))
        ?? (cluster is not null ? ClusterPlans.GetValue(cluster, static c => Parse(c.Metadata)) : null);

    private static readonly ConditionalWeakTable<RouteConfig, Plan?> RoutePlans = [];
    private static readonly ConditionalWeakTable<ClusterConfig, Plan?> ClusterPlans = [];

    public static Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var feature = context.GetReverseProxyFeature();
        var plan = PlanOf(feature.Route.Config, feature.Cluster?.Config);
        if (plan is null)
        {
            return next();
        }

        var header = context.RequestServices.GetRequiredService<IOptionsMonitor<GatewayOptions>>().CurrentValue.CanaryHeader;
        var pinned = context.Request.Headers[header].ToString();
        bool canary;
        if (string.Equals(pinned, CanaryVersion, StringComparison.OrdinalIgnoreCase))
        {
            canary = true;
        }
        else if (string.Equals(pinned, Stable, StringComparison.OrdinalIgnoreCase))
        {
            canary = false;
        }
        else
        {
            // Request n goes to the canary when the running share crosses a whole request: exact over any window.
            var n = Interlocked.Increment(ref plan.Requests);
            canary = Math.Floor(n * plan.Weight) > Math.Floor((n - 1) * plan.Weight);
        }

        if (canary && context.RequestServices.GetRequiredService<IProxyStateLookup>().TryGetCluster(plan.Cluster, out var cluster))
        {
            context.ReassignProxyRequest(cluster);
        }
        else
        {
            canary = false;
        }

        if (canary)
        {
            Interlocked.Increment(ref plan.ServedCanary);
        }
        else
        {
            Interlocked.Increment(ref plan.ServedStable);
        }

        context.Response.Headers[header] = canary ? CanaryVersion : Stable;
        return next();
    }

    private static Plan? Parse(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue(ClusterKey, out var cluster) || string.IsNullOrWhiteSpace(cluster))
        {
            return null;
        }

        var weight = metadata.TryGetValue(WeightKey, out var text)
                     && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
            ? Math.Clamp(w, 0, 100)
            : 10;
        return new Plan(cluster, weight / 100);
    }
}
