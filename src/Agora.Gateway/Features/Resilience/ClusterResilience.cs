using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace Agora.Gateway.Features.Resilience;

/// <summary>
/// The per-cluster state that outlives a configuration reload (YARP builds a new HTTP client per cluster change): the
/// breaker and the retry budget, by cluster id. Also the gateway's resilience metrics.
/// </summary>
internal sealed class ClusterResilience : IDisposable
{
    private readonly ConcurrentDictionary<string, CircuitBreaker> _breakers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RetryBudget> _budgets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _ejections = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly Meter _meter;

    public ClusterResilience(TimeProvider clock, IMeterFactory meters)
    {
        _clock = clock;
        _meter = meters.Create("Agora.Gateway");
        Retries = _meter.CreateCounter<long>("agora.gateway.retries", "{retry}", "Attempts repeated after a failure, by cluster.");
        ShortCircuited = _meter.CreateCounter<long>("agora.gateway.breaker.rejected", "{request}", "Requests refused because the cluster's breaker was open.");
        Ejections = _meter.CreateCounter<long>("agora.gateway.ejections", "{ejection}", "Replicas ejected by outlier detection.");
        _meter.CreateObservableGauge("agora.gateway.breaker.state", () => _breakers.Select(b =>
                new Measurement<int>((int)b.Value.State, new KeyValuePair<string, object?>("cluster", b.Key))),
            "{state}", "Circuit breaker state per cluster: 0 closed, 1 open, 2 half-open.");
    }

    public Counter<long> Retries { get; }

    public Counter<long> ShortCircuited { get; }

    public Counter<long> Ejections { get; }

    /// <summary>Every breaker made so far, by name (a cluster id, or a route's own breaker: <see cref="RoutePolicy"/>).</summary>
    public IEnumerable<KeyValuePair<string, CircuitBreaker>> Breakers => _breakers;

    /// <summary>Counts one replica of <paramref name="clusterId"/> ejected (the metric and <see cref="EjectionsOf"/>).</summary>
    public void Ejected(string clusterId)
    {
        _ejections.AddOrUpdate(clusterId, 1, static (_, n) => n + 1);
        Ejections.Add(1, new KeyValuePair<string, object?>("cluster", clusterId));
    }

    /// <summary>Replicas of <paramref name="clusterId"/> ejected since the gateway started.</summary>
    public long EjectionsOf(string clusterId) => _ejections.GetValueOrDefault(clusterId);

    /// <summary>The breaker of <paramref name="name"/> if any call made one, without making one.</summary>
    public CircuitBreaker? ExistingBreaker(string name) => _breakers.GetValueOrDefault(name);

    public CircuitBreaker Breaker(string clusterId) => _breakers.GetOrAdd(clusterId, static (_, clock) => new CircuitBreaker(clock), _clock);

    public RetryBudget Budget(string clusterId) => _budgets.GetOrAdd(clusterId, static _ => new RetryBudget());

    public void Dispose() => _meter.Dispose();
}

/// <summary>The cluster's breaker is open: the call was not made.</summary>
internal sealed class CircuitOpenException(string clusterId, TimeSpan retryAfter)
    : Exception($"The circuit breaker of cluster '{clusterId}' is open.")
{
    public string ClusterId { get; } = clusterId;

    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>One attempt took longer than <see cref="GatewayResilienceOptions.PerTryTimeout"/>.</summary>
internal sealed class AttemptTimeoutException(TimeSpan timeout)
    : TimeoutException($"The upstream did not answer within {timeout.TotalMilliseconds:F0} ms.");
