using System.Runtime.CompilerServices;
using Agora.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Agora.Gateway.Features.Resilience;

/// <summary>
/// Passive outlier ejection as the guide §7.3 configures Istio: a replica whose last
/// <see cref="GatewayResilienceOptions.EjectAfterConsecutiveFailures"/> calls failed (5xx or no answer) gets no traffic for
/// the ejection time (the cluster's passive <c>ReactivationPeriod</c>, else <see cref="GatewayResilienceOptions.EjectionDuration"/>),
/// then YARP lets it back; never more than <see cref="GatewayResilienceOptions.MaxEjectionPercent"/> of a cluster is out.
/// YARP's own passive policy (transport failure rate) counts neither 5xx nor consecutiveness, hence this one.
/// </summary>
internal sealed partial class OutlierDetector(
    IDestinationHealthUpdater health,
    ClusterResilience resilience,
    IOptionsMonitor<GatewayOptions> options,
    ILogger<OutlierDetector> logger)
{
    private sealed class Counter
    {
        public int Consecutive;
    }

    private readonly ConditionalWeakTable<DestinationState, Counter> _counters = [];

    /// <summary>Counts one call's outcome for <paramref name="destination"/>; ejects it at the threshold when the cap allows.</summary>
    public void Record(ClusterState cluster, DestinationState destination, bool failed)
    {
        var counter = _counters.GetValue(destination, static _ => new Counter());
        if (!failed)
        {
            Volatile.Write(ref counter.Consecutive, 0);
            return;
        }

        var o = options.CurrentValue.Resilience;
        if (Interlocked.Increment(ref counter.Consecutive) < o.EjectAfterConsecutiveFailures)
        {
            return;
        }

        lock (cluster)
        {
            if (destination.Health.Passive == DestinationHealth.Unhealthy)
            {
                return;
            }

            var total = cluster.Destinations.Count;
            var ejected = cluster.Destinations.Values.Count(d => d.Health.Passive == DestinationHealth.Unhealthy);
            if ((ejected + 1) * 100 > total * o.MaxEjectionPercent)
            {
                LogNotEjected(logger, destination.DestinationId, cluster.ClusterId, o.MaxEjectionPercent);
                return;
            }

            var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? o.EjectionDuration;
            health.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
            Volatile.Write(ref counter.Consecutive, 0);
            resilience.Ejected(cluster.ClusterId);
            LogEjected(logger, destination.DestinationId, cluster.ClusterId, o.EjectAfterConsecutiveFailures, period.TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 8200, Level = LogLevel.Warning, Message = "Ejected replica {Destination} of cluster {Cluster} after {Failures} consecutive failures for {Seconds} s")]
    private static partial void LogEjected(ILogger logger, string destination, string cluster, int failures, double seconds);

    [LoggerMessage(EventId = 8201, Level = LogLevel.Warning, Message = "Replica {Destination} of cluster {Cluster} keeps failing but stays in: at most {Percent} % of a cluster is ejected")]
    private static partial void LogNotEjected(ILogger logger, string destination, string cluster, int percent);
}

/// <summary>YARP's hook after each proxied request: the final attempt's outcome goes to <see cref="OutlierDetector"/>.</summary>
internal sealed class ConsecutiveFailuresPolicy(OutlierDetector detector) : IPassiveHealthCheckPolicy
{
    /// <summary>The name clusters use: <c>"HealthCheck": {"Passive": {"Enabled": true, "Policy": "ConsecutiveFailures"}}</c>.</summary>
    public const string PolicyName = "ConsecutiveFailures";

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        var error = context.Features.Get<IForwarderErrorFeature>();
        bool failed;
        if (error is null)
        {
            // A 5xx the replica marked as its dependency's failure is not the replica's fault.
            failed = context.Response.StatusCode >= 500 && !context.Response.Headers.ContainsKey(DependencyFailure.Header);
        }
        else
        {
            failed = error.Error switch
            {
                // The client's doing, or the breaker's: not the replica's fault.
                ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
                    or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient or ForwarderError.NoAvailableDestinations => false,
                _ => error.Exception is not CircuitOpenException,
            };
        }

        detector.Record(cluster, destination, failed);
    }
}
