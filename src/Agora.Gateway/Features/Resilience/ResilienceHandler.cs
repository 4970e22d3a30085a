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
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new ResilienceHandler(
            context.ClusterId,
            services.GetRequiredService<ClusterResilience>(),
            services.GetRequiredService<OutlierDetector>(),
            services.GetRequiredService<IOptionsMonitor<GatewayOptions>>(),
            services.GetRequiredService<IHttpContextAccessor>(),
            services.GetRequiredService<IProxyStateLookup>(),
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
/// </summary>
internal sealed partial class ResilienceHandler(
    string clusterId,
    ClusterResilience resilience,
    OutlierDetector outliers,
    IOptionsMonitor<GatewayOptions> options,
    IHttpContextAccessor accessor,
    IProxyStateLookup proxy,
    ILogger<ResilienceHandler> logger) : DelegatingHandler
{
    private static readonly TimeSpan BaseBackoff = TimeSpan.FromMilliseconds(25);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // YARP's active health probes use this client too, outside any request: they must reach a replica even while the
        // breaker is open (that is how recovery is seen), and a probe is never retried.
        if (accessor.HttpContext?.Features.Get<IReverseProxyFeature>() is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var o = options.CurrentValue.Resilience;
        var breaker = resilience.Breaker(clusterId);
        var budget = resilience.Budget(clusterId);

        // The breaker counts requests, not attempts: one bad replica whose failures a retry cures is outlier ejection's
        // business; the breaker opens when the service as a whole fails.
        if (!breaker.TryAcquire(o, out var trial))
        {
            resilience.ShortCircuited.Add(1, new KeyValuePair<string, object?>("cluster", clusterId));
            throw new CircuitOpenException(clusterId, breaker.RetryAfter);
        }

        budget.Deposit(o);
        var retryable = request.Content is null && IsIdempotent(request.Method);
        var failed = true;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                HttpResponseMessage? response = null;
                Exception? error = null;
                using var perTry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                perTry.CancelAfter(o.PerTryTimeout);
                try
                {
                    response = await base.SendAsync(request, perTry.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    error = new AttemptTimeoutException(o.PerTryTimeout);
                }
                catch (HttpRequestException e)
                {
                    error = e;
                }

                failed = error is not null || (int)response!.StatusCode >= 500;
                if (!failed)
                {
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
                await Task.Delay(backoff, cancellationToken);
            }
        }
        finally
        {
            // A request the client abandoned says nothing about the service (but frees its trial slot).
            if (cancellationToken.IsCancellationRequested)
            {
                breaker.Abandon(trial);
            }
            else if (breaker.Record(failed, trial, o) is { } changed)
            {
                LogBreaker(logger, clusterId, changed);
            }
        }
    }

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
