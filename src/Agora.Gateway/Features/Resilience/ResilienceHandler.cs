using Agora.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Agora.Gateway.Features.Resilience;

/// <summary>
/// Wraps each cluster's forwarding client (YARP's <see cref="HttpMessageInvoker"/>) in <see cref="ResilienceHandler"/>:
/// YARP balances, health-checks and ejects, but neither retries nor breaks circuits.
/// </summary>
internal sealed class ResilientForwarderHttpClientFactory(
    ILogger<ForwarderHttpClientFactory> logger,
    IServiceProvider services) : ForwarderHttpClientFactory(logger)
{
    /// <summary>Mutual TLS (<c>Agora:Tls:Mode=Mutual</c>): the forwarder presents the gateway's certificate and pins the project CA.</summary>
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        services.GetService<Agora.ServiceDefaults.Tls.PeerTls>()?.ConfigureClient(handler);
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new ResilienceHandler(
            context.ClusterId,
            services.GetRequiredService<ClusterResilience>(),
            services.GetRequiredService<OutlierDetector>(),
            services.GetRequiredService<IOptionsMonitor<GatewayOptions>>(),
            services.GetRequiredService<IHttpContextAccessor>(),
            services.GetRequiredService<IProxyStateLookup>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<ResilienceHandler>>())
        {
            InnerHandler = base.WrapHandler(context, handler),
        };
}

/// <summary>
/// Per request: the cluster's circuit breaker (fail fast while open); per attempt: a per-try timeout; and retries — only for
/// idempotent methods without a body (a streamed body cannot be sent twice), only on a failure that a retry can cure
/// (5xx, connection failure or reset, per-try timeout), on another replica when there is one, within the cluster's
/// retry budget, with a short jittered backoff. The failed attempts count towards the replica's outlier ejection.
/// The per-try timeout and the backoff run on the <see cref="TimeProvider"/>, so a test decides when an attempt times out.
/// </summary>
internal sealed partial class ResilienceHandler(
    string clusterId,
    ClusterResilience resilience,
    OutlierDetector outliers,
    IOptionsMonitor<GatewayOptions> options,
    IHttpContextAccessor accessor,
    IProxyStateLookup proxy,
    TimeProvider clock,
    ILogger<ResilienceHandler> logger) : DelegatingHandler
{
    private static readonly TimeSpan BaseBackoff = TimeSpan.FromMilliseconds(25);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // YARP's active health probes use this client too, outside any request: they must reach a replica even while the
        // breaker is open (that is how recovery is seen), and a probe is never retried.
        if (accessor.HttpContext?.Features.Get<IReverseProxyFeature>() is not { } proxied)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var o = options.CurrentValue.Resilience;
        var route = proxied.Route.Config;
        var breakerName = RoutePolicy.Breaker(route, clusterId);
        var perTryTimeout = RoutePolicy.PerTryTimeout(route, o);
        var breaker = resilience.Breaker(breakerName);
        var budget = resilience.Budget(clusterId);

        // The breaker counts requests, not attempts: one bad replica whose failures a retry cures is outlier ejection's
        // business; the breaker opens when the service as a whole fails. A retry that carries an Idempotency-Key goes
        // through an open breaker: the first attempt may have created the resource behind the gateway's timeout, and only
        // the service's idempotency check can tell the client what became of it (a refusal here would hide it).
        var bypass = false;
        if (!breaker.TryAcquire(o, out var trial))
        {
            if (!request.Headers.Contains(IdempotencyKeyHeader))
            {
                resilience.ShortCircuited.Add(1, new KeyValuePair<string, object?>("cluster", clusterId));
                throw new CircuitOpenException(breakerName, breaker.RetryAfter);
            }

            bypass = true;
        }

        budget.Deposit(o);
        var retryable = request.Content is null && IsIdempotent(request.Method);
        var outcome = CallOutcome.Failure;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                HttpResponseMessage? response = null;
                Exception? error = null;
                using var timeout = new CancellationTokenSource(perTryTimeout, clock);
                using var perTry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                try
                {
                    response = await base.SendAsync(request, perTry.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    error = new AttemptTimeoutException(perTryTimeout);
                }
                catch (HttpRequestException e)
                {
                    error = e;
                }

                outcome = Classify(response, error);
                if (outcome is CallOutcome.Success or CallOutcome.DependencyFailure)
                {
                    // A dependency's failure is passed on as the service said it, never retried: every replica shares it.
                    return response!;
                }

                if (!retryable || attempt >= o.MaxRetries || cancellationToken.IsCancellationRequested || !budget.TryWithdraw())
                {
                    return error is null ? response! : throw error;
                }

                var reason = error?.GetType().Name ?? ((int)response!.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                response?.Dispose();
                MoveToAnotherReplica(request);
                resilience.Retries.Add(1, new KeyValuePair<string, object?>("cluster", clusterId));
                LogRetry(logger, request.Method.Method, clusterId, attempt + 1, reason);
                var backoff = BaseBackoff * Math.Pow(2, attempt) * (0.5 + Random.Shared.NextDouble());
                await Task.Delay(backoff, clock, cancellationToken);
            }
        }
        finally
        {
            // A request the client abandoned says nothing about the service (but frees its trial slot).
            if (cancellationToken.IsCancellationRequested)
            {
                breaker.Abandon(trial);
            }
            else if ((bypass ? breaker.RecordBypass(outcome, o) : breaker.Record(outcome, trial, o)) is { } changed)
            {
                LogBreaker(logger, breakerName, changed);
            }
        }
    }

    /// <summary>The request header that makes a POST safe to repeat (the service remembers the key).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>What one attempt says about the service (see <see cref="CallOutcome"/>).</summary>
    internal static CallOutcome Classify(HttpResponseMessage? response, Exception? error) => (response, error) switch
    {
        (_, HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }) => CallOutcome.NotListening,
        (_, not null) => CallOutcome.Failure,
        ({ StatusCode: < (System.Net.HttpStatusCode)500 }, _) => CallOutcome.Success,
        ({ } r, _) when r.Headers.Contains(DependencyFailure.Header) => CallOutcome.DependencyFailure,
        _ => CallOutcome.Failure,
    };

    /// <summary>
    /// Points the request at another available replica (a random one), records the failed attempt against the replica
    /// that failed, and tells YARP which replica answered in the end (for passive health and logs).
    /// </summary>
    private void MoveToAnotherReplica(HttpRequestMessage request)
    {
        if (accessor.HttpContext?.Features.Get<IReverseProxyFeature>() is not { ProxiedDestination: { } failed } feature
            || !proxy.TryGetCluster(clusterId, out var cluster))
        {
            return;
        }

        outliers.Record(cluster, failed, failed: true);

        // The feature's AvailableDestinations holds only the balancer's pick by now; the cluster knows the healthy ones.
        var candidates = cluster.DestinationsState.AvailableDestinations.Where(d => !ReferenceEquals(d, failed)
            && d.Health.Passive != DestinationHealth.Unhealthy).ToList();
        if (candidates.Count == 0 || request.RequestUri is null)
        {
            return;
        }

        var next = candidates[Random.Shared.Next(candidates.Count)];
        var from = failed.Model.Config.Address.TrimEnd('/');
        var uri = request.RequestUri.AbsoluteUri;
        if (uri.StartsWith(from, StringComparison.OrdinalIgnoreCase))
        {
            request.RequestUri = new Uri(next.Model.Config.Address.TrimEnd('/') + uri[from.Length..]);
            feature.ProxiedDestination = next;
        }
    }

    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
        || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Trace;

    [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "Retrying {Method} to cluster {Cluster} (retry {Retry}) after {Failure}")]
    private static partial void LogRetry(ILogger logger, string method, string cluster, int retry, string failure);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning, Message = "Circuit breaker of cluster {Cluster} is now {State}")]
    private static partial void LogBreaker(ILogger logger, string cluster, CircuitState state);
}
