using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Agora.ServiceDefaults.Tls;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Agora.Payment.Features.Psp;

/// <summary>
/// The pipeline in front of the provider, built here rather than taken from ServiceDefaults: the standard handler
/// deliberately never retries a POST (it might charge twice), but every call to the provider carries an idempotency
/// key derived from the payment and the operation, so the provider does it once however often it is sent. Retrying
/// POSTs is therefore safe here, and only here.
/// Outermost first: bulkhead (concurrency limiter) → retry (exponential 100, 200, 400, 800, 1600 ms with jitter, at
/// most 5) → circuit breaker (every attempt counts) → per-attempt timeout (2 s). The breaker is Polly v8's, which
/// samples over a time window: <see cref="PspOptions.BreakerSamplingDuration"/> (10 s) stands in for the seed's
/// "last 10 calls"; at least 5 calls, 50 % failures, open 5 s, then one trial call (Polly v8 has no setting for
/// several), whose success closes it; each failed trial doubles the break, up to the seed's 30 s. A 402 decline or a 409 is an answer, not a failure: neither retried nor counted.
/// </summary>
internal static partial class PspResilience
{
    public const string PipelineName = "psp";

    public static IHttpResiliencePipelineBuilder AddPspClient(this IServiceCollection services)
    {
#pragma warning disable EXTEXP0001 // experimental, but the only way to take ServiceDefaults' standard handler off one client
        return services.AddHttpClient<PspClient>((sp, http) =>
            {
                http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<PaymentOptions>>().Value.Psp.BaseUrl);
                // The pipeline times out each attempt; this only bounds a call with all its retries.
                http.Timeout = TimeSpan.FromMinutes(2);
            })
            // The provider is outside the shop: under mutual TLS its client neither presents Payment's certificate nor
            // pins the project CA (a real provider's certificate chains to a public root).
            .UsePublicTls()
            .RemoveAllResilienceHandlers()
            .AddResilienceHandler(PipelineName, (pipeline, context) =>
                Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<PaymentOptions>>().Value.Psp,
                    context.ServiceProvider.GetRequiredService<PspCircuit>(),
                    context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PspClient).FullName!)));
#pragma warning restore EXTEXP0001
    }

    internal static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, PspOptions o, PspCircuit circuit, ILogger logger)
    {
        var state = new CircuitBreakerStateProvider();
        circuit.Track(state);
        pipeline
            .AddConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = o.BulkheadPermits,
                QueueLimit = o.BulkheadQueue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        if (o.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = o.MaxRetries,
                Delay = o.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds,
                        args.Outcome.Exception?.GetType().Name ?? ((int?)args.Outcome.Result?.StatusCode)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return ValueTask.CompletedTask;
                },
            });
        }

        pipeline
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = o.BreakerSamplingDuration,
                BreakDuration = o.BreakDuration,
                // Short first, longer while the provider stays down (5, 10, 20, 30, 30 … s): a trial call that
                // succeeds closes the breaker, so a 10 s outage costs about 10 s, not the full 30.
                BreakDurationGenerator = args => ValueTask.FromResult(o.BreakAfter(args.HalfOpenAttempts)),
                StateProvider = state,
                OnOpened = args =>
                {
                    circuit.Transitioned(CircuitState.Open);
                    LogOpened(logger, args.BreakDuration.TotalSeconds,
                        args.Outcome.Exception?.GetType().Name ?? ((int?)args.Outcome.Result?.StatusCode)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    circuit.Transitioned(CircuitState.HalfOpen);
                    LogHalfOpened(logger);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    circuit.Transitioned(CircuitState.Closed);
                    LogClosed(logger);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = o.AttemptTimeout });
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Error, Message = "PSP circuit opened for {BreakSeconds} s after repeated failures (last: {LastFailure})")]
    private static partial void LogOpened(ILogger logger, double breakSeconds, string? lastFailure);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "PSP circuit half-open: letting a trial call through")]
    private static partial void LogHalfOpened(ILogger logger);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "PSP circuit closed: the provider answers again")]
    private static partial void LogClosed(ILogger logger);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Debug, Message = "PSP call retry {Attempt} in {DelayMs} ms after {Failure}")]
    private static partial void LogRetry(ILogger logger, int attempt, double delayMs, string? failure);
}

/// <summary>
/// The breaker's state as a metric of the <c>Agora.Payment</c> meter (exported on <c>/metrics</c>):
/// <c>agora.payment.psp.circuit_state</c> (gauge: 0 closed, 1 open, 2 half-open, 3 isolated) and
/// <c>agora.payment.psp.circuit_transitions</c> (counter, tag <c>state</c>: the state entered).
/// </summary>
public sealed class PspCircuit
{
    public const string MeterName = "Agora.Payment";

    private readonly Meter _meter;
    private readonly Counter<long> _transitions;
    private CircuitBreakerStateProvider? _state;

    public PspCircuit(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("agora.payment.psp.circuit_state", () => (int)State,
            description: "State of the circuit breaker in front of the payment provider: 0 closed, 1 open, 2 half-open, 3 isolated.");
        _transitions = _meter.CreateCounter<long>("agora.payment.psp.circuit_transitions",
            description: "Circuit breaker transitions in front of the payment provider, by the state entered.");
    }

    /// <summary>The breaker's current state (closed before the first call builds the pipeline).</summary>
    public CircuitState State => Volatile.Read(ref _state)?.CircuitState ?? CircuitState.Closed;

    internal void Track(CircuitBreakerStateProvider state) => Volatile.Write(ref _state, state);

    internal void Transitioned(CircuitState to) =>
        _transitions.Add(1, new KeyValuePair<string, object?>("state", to.ToString().ToLowerInvariant()));
}
