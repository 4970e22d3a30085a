using System.Threading.RateLimiting;
using Agora.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Agora.ServiceDefaults.Resilience;

/// <summary>
/// The seed's numbers (§6.5, §10.4) for every outgoing HTTP and gRPC call: retry 100/200/400 ms… with jitter, at
/// most 5 retries; a per-attempt timeout; a circuit breaker that opens at 50 % failures (at least 5 calls) for 5 s,
/// doubling after each failed trial call up to the seed's 30 s (1 s, not doubling, while the downstream refuses
/// connections: it is restarting, see <see cref="RestartAwareBreaks"/>);
/// and a bulkhead (concurrency limit) — the breaker and the bulkhead per downstream (scheme, host and port).
/// </summary>
public static class AgoraResilience
{
    /// <summary>First retry delay; doubles each try.</summary>
    public static readonly TimeSpan RetryBaseDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Retries after the first attempt.</summary>
    public const int MaxRetries = 5;

    /// <summary>Timeout of one attempt.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Timeout of the call with all its retries.</summary>
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Failure ratio that opens the breaker.</summary>
    public const double FailureRatio = 0.5;

    /// <summary>Calls in the sampling window before the breaker may open.</summary>
    public const int MinimumThroughput = 5;

    /// <summary>
    /// The longest the breaker stays open before a trial call: the seed's 30 s. The first break is
    /// <see cref="FirstBreakDuration"/> and doubles after each failed trial (<see cref="BreakAfter(int)"/>), so a peer that
    /// restarts in a few seconds is called again a few seconds later, not 30 s after it went down.
    /// </summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    /// <summary>The first break after the breaker opens.</summary>
    public static readonly TimeSpan FirstBreakDuration = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest a gRPC channel waits between attempts to reconnect to a peer that went away (gRPC's default is
    /// 120 s, growing 1.6× from 1 s): after a 10 s restart it would next try some 15–25 s later, and every call until
    /// then fails at once although the peer is back. Connecting to a refused port costs nothing, so try every 2 s.
    /// </summary>
    public static readonly TimeSpan MaxReconnectBackoff = TimeSpan.FromSeconds(2);

    /// <summary>The break after <paramref name="failedTrials"/> trial calls failed in a row (0 when it first opens): 5, 10, 20, 30, 30 … s.</summary>
    public static TimeSpan BreakAfter(int failedTrials) => BreakAfter(failedTrials, FirstBreakDuration, BreakDuration);

    /// <summary>The break after <paramref name="failedTrials"/> failed trials: <paramref name="first"/> doubled each time, at most <paramref name="longest"/>.</summary>
    public static TimeSpan BreakAfter(int failedTrials, TimeSpan first, TimeSpan longest)
    {
        if (first <= TimeSpan.Zero || first > longest)
        {
            return longest;
        }

        var doubled = first * Math.Pow(2, Math.Clamp(failedTrials, 0, 30));
        return doubled > longest ? longest : doubled;
    }

    /// <summary>Concurrent calls per downstream (bulkhead) and how many may queue behind them.</summary>
    public const int BulkheadPermits = 100;

    /// <summary>Requests allowed to wait for a bulkhead permit.</summary>
    public const int BulkheadQueue = 100;

    /// <summary>Applies the numbers to a standard resilience pipeline.</summary>
    public static void Configure(HttpStandardResilienceOptions o)
    {
        o.RateLimiter.DefaultRateLimiterOptions = new ConcurrencyLimiterOptions
        {
            PermitLimit = BulkheadPermits,
            QueueLimit = BulkheadQueue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        };
        o.TotalRequestTimeout.Timeout = TotalTimeout;
        o.Retry.MaxRetryAttempts = MaxRetries;
        o.Retry.BackoffType = DelayBackoffType.Exponential;
        o.Retry.UseJitter = true;
        o.Retry.Delay = RetryBaseDelay;
        // A POST or PATCH that failed may still have happened: retrying it could charge or order twice.
        o.Retry.DisableForUnsafeHttpMethods();
        o.AttemptTimeout.Timeout = AttemptTimeout;
        o.CircuitBreaker.FailureRatio = FailureRatio;
        o.CircuitBreaker.MinimumThroughput = MinimumThroughput;
        o.CircuitBreaker.BreakDuration = BreakDuration;
        // A downstream that refuses the connection is restarting: a short break, not one that doubles (RestartAwareBreaks).
        var breaks = new RestartAwareBreaks(context => context.GetRequestMessage()?.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "");
        var counts = o.CircuitBreaker.ShouldHandle;
        o.CircuitBreaker.ShouldHandle = async args =>
        {
            var counted = await counts(args).ConfigureAwait(false);
            if (counted)
            {
                RestartAwareBreaks.Observe(args.Context, args.Outcome.Exception);
            }

            return counted;
        };
        o.CircuitBreaker.BreakDurationGenerator = args => ValueTask.FromResult(breaks.Next(args));
        o.CircuitBreaker.OnClosed = args =>
        {
            breaks.Closed(args.Context);
            return ValueTask.CompletedTask;
        };
        // Polly samples by time, not by call count: 2 × the attempt timeout keeps the window near the last ~10 calls.
        o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(Math.Max(4, AttemptTimeout.TotalSeconds * 2));
    }

    internal static IServiceCollection AddAgoraResilience(this IServiceCollection services)
    {
        services.AddTransient<CorrelationHandler>();
        services.ConfigureHttpClientDefaults(http =>
        {
            http.AddHttpMessageHandler<CorrelationHandler>();
            // The defaults' builder has no client name, so every client would share one pipeline: one breaker and one
            // bulkhead for the whole process, and a single failing downstream would open it for all of them (and its
            // slow calls would take every other downstream's bulkhead permits). One pipeline per authority instead:
            // each downstream service (scheme, host, port) has its own breaker and bulkhead, whichever client calls it.
            http.AddStandardResilienceHandler(Configure).SelectPipelineByAuthority();
        });
        return services;
    }
}

/// <summary>Carries <c>X-Correlation-ID</c> on every outgoing HTTP and gRPC call.</summary>
internal sealed class CorrelationHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (CorrelationContext.CorrelationId is { } id && !request.Headers.Contains(CorrelationContext.CorrelationIdHeader))
        {
            request.Headers.TryAddWithoutValidation(CorrelationContext.CorrelationIdHeader, id);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
