using System.Diagnostics.Metrics;
using Agora.Gateway.RateLimiting.Policies;
using Microsoft.Extensions.Logging;

namespace Agora.Gateway.RateLimiting;

/// <summary>
/// Metrics of meter <c>Agora.Gateway.RateLimiting</c> (exported by ServiceDefaults' <c>Agora.*</c> rule) and the
/// store-outage warning, itself limited to one line per policy every <see cref="WarningInterval"/> so an outage does
/// not flood the logs.
/// </summary>
internal sealed partial class RateLimitTelemetry
{
    public const string MeterName = "Agora.Gateway.RateLimiting";

    /// <summary>Prometheus <c>agora_ratelimit_decisions_total{policy, outcome=allowed|rejected}</c>.</summary>
    public const string DecisionsName = "agora.ratelimit.decisions";

    /// <summary>Prometheus <c>agora_ratelimit_store_failures_total{policy, outcome=allowed|rejected}</c>.</summary>
    public const string StoreFailuresName = "agora.ratelimit.store_failures";

    public static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _storeFailures;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, WarningGate> _gates = new(StringComparer.Ordinal);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The meter factory owns the meters it creates and disposes them with the container.")]
    public RateLimitTelemetry(IMeterFactory meters, ILogger<RateLimitTelemetry> logger, TimeProvider time)
    {
        var meter = meters.Create(MeterName);
        _decisions = meter.CreateCounter<long>(DecisionsName, "{request}",
            "Requests decided by a rate limit policy, by policy and outcome (allowed, rejected with 429).");
        _storeFailures = meter.CreateCounter<long>(StoreFailuresName, "{request}",
            "Requests whose policy's store (Redis) could not be reached, by policy and outcome: allowed (fail open) or rejected (fail closed, 503).");
        _logger = logger;
        _time = time;
    }

    public void Decided(RateLimitPolicy policy, bool allowed) =>
        _decisions.Add(1, allowed ? policy.AllowedTags : policy.RejectedTags);

    public void StoreFailed(RateLimitPolicy policy, Exception exception)
    {
        _storeFailures.Add(1, policy.FaultTolerant ? policy.AllowedTags : policy.RejectedTags);
        var gate = _gates.GetOrAdd(policy.Name, static _ => new WarningGate());
        var now = _time.GetTimestamp();
        long suppressed;
        lock (gate)
        {
            if (gate.LastWarning != 0 && _time.GetElapsedTime(gate.LastWarning, now) < WarningInterval)
            {
                gate.Suppressed++;
                return;
            }

            suppressed = gate.Suppressed;
            gate.Suppressed = 0;
            gate.LastWarning = now;
        }

        LogStoreUnavailable(_logger, policy.Name, policy.FaultTolerant ? "open (requests pass unlimited)" : "closed (requests get 503)",
            suppressed, exception.InnerException?.Message ?? exception.Message);
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Warning,
        Message = "Rate limit store unreachable for policy {Policy}: failing {Mode}; {Suppressed} earlier failures not logged. {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string policy, string mode, long suppressed, string reason);

    private sealed class WarningGate
    {
        public long LastWarning;
        public long Suppressed;
    }
}
