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

    private sealed class Plan(string cluster, double weight)
    {
        public string Cluster { get; } = cluster;
        public double Weight { get; } = weight;
        public long Requests;
    }

    private static readonly ConditionalWeakTable<RouteConfig, Plan?> RoutePlans = [];
    private static readonly ConditionalWeakTable<ClusterConfig, Plan?> ClusterPlans = [];

    public static Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var feature = context.GetReverseProxyFeature();
        var plan = RoutePlans.GetValue(feature.Route.Config, static r => Parse(r.Metadata))
                   ?? (feature.Cluster?.Config is { } stable ? ClusterPlans.GetValue(stable, static c => Parse(c.Metadata)) : null);
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
