using System.Globalization;
using Yarp.ReverseProxy.Configuration;

namespace Agora.Gateway.Features.Resilience;

/// <summary>
/// A route's own resilience, from its metadata, for operations the cluster's defaults do not fit
/// (<c>POST /api/v1/orders</c> waits for pricing and a stock reservation; a read of a product does not):
/// <list type="bullet">
/// <item><c>Resilience.Breaker</c>: the name of the breaker the route's calls count in. Default: the cluster's own.
/// A route with a breaker of its own neither opens nor is closed by its cluster's other routes.</item>
/// <item><c>Resilience.PerTryTimeout</c>: one attempt's timeout (<c>00:00:30</c>). Default
/// <see cref="GatewayResilienceOptions.PerTryTimeout"/>. The whole request's timeout is YARP's route <c>Timeout</c>.</item>
/// </list>
/// </summary>
internal static class RoutePolicy
{
    /// <summary>Metadata keys.</summary>
    public const string BreakerKey = "Resilience.Breaker", PerTryTimeoutKey = "Resilience.PerTryTimeout";

    /// <summary>The breaker a route's calls count in.</summary>
    public static string Breaker(RouteConfig? route, string clusterId) =>
        route?.Metadata?.GetValueOrDefault(BreakerKey) is { Length: > 0 } name ? name : clusterId;

    /// <summary>One attempt's timeout on the route.</summary>
    public static TimeSpan PerTryTimeout(RouteConfig? route, GatewayResilienceOptions options) =>
        route?.Metadata?.GetValueOrDefault(PerTryTimeoutKey) is { Length: > 0 } text
        && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var timeout) && timeout > TimeSpan.Zero
            ? timeout
            : options.PerTryTimeout;
}
