using Agora.Hosting;
using Agora.Contracts.Messaging;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Agora.ServiceDefaults.Resilience;

/// <summary>
/// gRPC clients with the seed's numbers. gRPC failures travel in trailers, invisible to an HTTP-level pipeline, and
/// an HTTP total timeout would cut long server streams; so unary calls go through a Polly pipeline that speaks gRPC
/// status codes (bulkhead → retry 100/200/400/800/1600 ms with jitter → breaker → 2 s deadline per attempt), and
/// streaming calls only get the bulkhead-free transport. Every gRPC mutation in Agora is idempotent by key, which is
/// what makes retrying unary calls safe.
/// </summary>
public static class GrpcResilience
{
    /// <summary>Status codes worth another attempt.</summary>
    public static readonly StatusCode[] Transient = [StatusCode.Unavailable, StatusCode.DeadlineExceeded, StatusCode.Aborted];

    /// <summary>
    /// Registers a typed gRPC client for <paramref name="service"/>. Address: <c>Agora:Services:{service}:Grpc</c>,
    /// default its gRPC port in the service table (<c>Agora.Hosting.ServiceTable</c>): h2c, or https in Mutual mode.
    /// </summary>
    public static IHttpClientBuilder AddAgoraGrpcClient<TClient>(this IServiceCollection services, IConfiguration configuration, string service)
        where TClient : class
    {
        // Mutual TLS (Agora:Tls:Mode=Mutual): https, the channel's handler presenting the service's certificate (Tls/MutualTls.cs).
        var mutual = AgoraTlsOptions.From(configuration).Mutual;
        var configured = configuration[$"Agora:Services:{service}:Grpc"] ?? ServiceTable.Get(service).GrpcUrl(tls: mutual);
        var addresses = configured.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(a => new Uri(a)).ToArray();
        var pipeline = BuildUnaryPipeline(service, TimeProvider.System);
#pragma warning disable EXTEXP0001 // experimental, but the only way to take the HTTP defaults off one client
        var client = services.AddGrpcClient<TClient>(o => o.Address = addresses.Length == 1 ? addresses[0] : ReplicaResolverFactory.Address(service))
            .AddInterceptor(InterceptorScope.Client, _ => new ResilientUnaryInterceptor(pipeline, AgoraResilience.AttemptTimeout, TimeProvider.System))
            .RemoveAllResilienceHandlers()
            .ConfigureChannel(o => o.MaxReconnectBackoff = AgoraResilience.MaxReconnectBackoff);
#pragma warning restore EXTEXP0001
        if (addresses.Length > 1)
        {
            // Several replicas named (the AppHost's --Agora:Replicas): the channel keeps a connection to each and
            // spreads calls round-robin, dropping a replica that stops answering (its calls retry on the others).
            // In Kubernetes one address (the Service) is enough: the mesh or the kube-proxy spreads instead.
            services.TryAddSingleton<ReplicaAddresses>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory, ReplicaResolverFactory>());
            services.AddOptions<ReplicaAddresses.Options>().Configure(o => o.Addresses[service] = addresses);
            client.ConfigureChannel(o =>
                {
                    o.Credentials = mutual ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
                    o.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
                })
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
        }

        return client;
    }

    /// <summary>The unary pipeline; public for tests and for callers that need one outside a client.</summary>
    public static ResiliencePipeline BuildUnaryPipeline(string name, TimeProvider timeProvider)
    {
        var breaks = new RestartAwareBreaks(_ => name);
        return new ResiliencePipelineBuilder { Name = "grpc:" + name, TimeProvider = timeProvider }
            .AddConcurrencyLimiter(AgoraResilience.BulkheadPermits, AgoraResilience.BulkheadQueue)
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = AgoraResilience.MaxRetries,
                Delay = AgoraResilience.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(e => Transient.Contains(e.StatusCode)),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = AgoraResilience.FailureRatio,
                MinimumThroughput = AgoraResilience.MinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = AgoraResilience.BreakDuration,
                BreakDurationGenerator = args => ValueTask.FromResult(breaks.Next(args)),
                ShouldHandle = args =>
                {
                    var counted = args.Outcome.Exception is RpcException e &&
                        (Transient.Contains(e.StatusCode) || e.StatusCode is StatusCode.Internal or StatusCode.Unknown);
                    if (counted)
                    {
                        RestartAwareBreaks.Observe(args.Context, args.Outcome.Exception);
                    }

                    return ValueTask.FromResult(counted);
                },
                OnClosed = args =>
                {
                    breaks.Closed(args.Context);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }
}

/// <summary>Runs each unary call through the pipeline, each attempt with its own deadline.</summary>
public sealed class ResilientUnaryInterceptor(ResiliencePipeline pipeline, TimeSpan attemptTimeout, TimeProvider clock) : Interceptor
{
    /// <inheritdoc />
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        Status status = Status.DefaultSuccess;
        Metadata trailers = [];
        var response = ExecuteAsync();
        return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => status, () => trailers, () => { });

        async Task<TResponse> ExecuteAsync()
        {
            try
            {
                return await pipeline.ExecuteAsync(async ct =>
                {
                    var deadline = clock.GetUtcNow().UtcDateTime + attemptTimeout;
                    if (context.Options.Deadline is { } outer && outer < deadline)
                    {
                        deadline = outer;
                    }

                    var attempt = new ClientInterceptorContext<TRequest, TResponse>(
                        context.Method, context.Host, context.Options.WithDeadline(deadline).WithCancellationToken(ct));
                    using var call = continuation(request, attempt);
                    try
                    {
                        var result = await call.ResponseAsync;
                        trailers = call.GetTrailers();
                        return result;
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.Internal && ConnectionFailures.Is(e.Status.DebugException))
                    {
                        // The connection failed under the call, no answer came: Unavailable, as when it fails before the
                        // call starts. Under TLS 1.3 a server that refuses our certificate says so only after the client
                        // has finished its handshake and sent the request, and Grpc.Net.Client calls that Internal.
                        throw new RpcException(new Status(StatusCode.Unavailable, e.Status.Detail, e.Status.DebugException), e.Trailers);
                    }
                }, context.Options.CancellationToken);
            }
            catch (RpcException e)
            {
                status = e.Status;
                throw;
            }
            catch (BrokenCircuitException e)
            {
                status = new Status(StatusCode.Unavailable, $"{context.Method.ServiceName} is failing; circuit open ({e.RetryAfter?.TotalSeconds:F0} s).");
                throw new RpcException(status);
            }
            catch (Polly.RateLimiting.RateLimiterRejectedException)
            {
                status = new Status(StatusCode.ResourceExhausted, $"Too many concurrent calls to {context.Method.ServiceName} (bulkhead full).");
                throw new RpcException(status);
            }
        }
    }
}

/// <summary>Whether a call's failure is the connection's (TLS refused, socket reset), not the server's answer.</summary>
file static class ConnectionFailures
{
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException or System.Net.Sockets.SocketException or System.Net.Http.HttpRequestException
                || (e is IOException && e is not System.Net.Http.HttpProtocolException))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The replicas of each service a gRPC client spreads its calls over (<c>Agora:Services:{service}:Grpc</c> lists).</summary>
internal sealed class ReplicaAddresses(IOptions<ReplicaAddresses.Options> options)
{
    public IReadOnlyList<Uri> Of(string service) => options.Value.Addresses.TryGetValue(service, out var addresses)
        ? addresses
        : throw new InvalidOperationException($"No replica addresses for '{service}'.");

    internal sealed class Options
    {
        public Dictionary<string, Uri[]> Addresses { get; } = new(StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>Resolves <c>agora-replicas://{service}</c> to that service's configured replicas (a fixed list).</summary>
internal sealed class ReplicaResolverFactory(ReplicaAddresses addresses) : ResolverFactory
{
    public const string Scheme = "agora-replicas";

    public static Uri Address(string service) => new($"{Scheme}://{service}");

    public override string Name => Scheme;

    public override Resolver Create(ResolverOptions options) =>
        new StaticResolverFactory(uri => addresses.Of(uri.Host).Select(a => new BalancerAddress(a.Host, a.Port))).Create(options);
}
