using Agora.Contracts.Catalog.V1;
using Agora.ServiceDefaults.Resilience;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agora.ServiceDefaults.Tests.Resilience;

public sealed class GrpcResilienceTests
{
    private static readonly Method<GetProductRequest, GetProductResponse> GetProduct =
        new(MethodType.Unary, "ecommerce.catalog.v1.CatalogService", "GetProduct",
            Marshallers.Create(r => Google.Protobuf.MessageExtensions.ToByteArray(r), GetProductRequest.Parser.ParseFrom),
            Marshallers.Create(r => Google.Protobuf.MessageExtensions.ToByteArray(r), GetProductResponse.Parser.ParseFrom));

    /// <summary>A downstream that fails the first <paramref name="failures"/> attempts with <paramref name="code"/>.</summary>
    private static (Interceptor.AsyncUnaryCallContinuation<GetProductRequest, GetProductResponse> Call, Func<int> Attempts, List<DateTime?> Deadlines) Downstream(int failures, StatusCode code)
    {
        var attempts = 0;
        var deadlines = new List<DateTime?>();
        return ((request, context) =>
        {
            attempts++;
            deadlines.Add(context.Options.Deadline);
            var response = attempts <= failures
                ? Task.FromException<GetProductResponse>(new RpcException(new Status(code, "down")))
                : Task.FromResult(new GetProductResponse { Product = new Product { Id = request.ProductId } });
            return new AsyncUnaryCall<GetProductResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }, () => attempts, deadlines);
    }

    private static Task<GetProductResponse> Call(Interceptor interceptor, Interceptor.AsyncUnaryCallContinuation<GetProductRequest, GetProductResponse> downstream) =>
        interceptor.AsyncUnaryCall(new GetProductRequest { ProductId = "prd_1" },
            new ClientInterceptorContext<GetProductRequest, GetProductResponse>(GetProduct, null, new CallOptions()), downstream).ResponseAsync;

    private static ResilientUnaryInterceptor NewInterceptor(string name) =>
        new(GrpcResilience.BuildUnaryPipeline(name, TimeProvider.System), TimeSpan.FromSeconds(2), TimeProvider.System);

    [Fact]
    public async Task Unary_UnavailableTwice_RetriedAndSucceeds()
    {
        var (downstream, attempts, deadlines) = Downstream(2, StatusCode.Unavailable);
        var response = await Call(NewInterceptor("retry"), downstream);
        Assert.Equal("prd_1", response.Product.Id);
        Assert.Equal(3, attempts());
        Assert.All(deadlines, d => Assert.InRange(d!.Value, DateTime.UtcNow, DateTime.UtcNow.AddSeconds(3)));
    }

    [Fact]
    public async Task Unary_NotFound_IsNotRetried()
    {
        var (downstream, attempts, _) = Downstream(10, StatusCode.NotFound);
        var ex = await Assert.ThrowsAsync<RpcException>(() => Call(NewInterceptor("notfound"), downstream));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal(1, attempts());
    }

    [Fact]
    public async Task Unary_AlwaysUnavailable_BreakerOpensAfterFiveFailedCallsAndStopsCallingDownstream()
    {
        var interceptor = NewInterceptor("breaker");
        var (downstream, attempts, _) = Downstream(int.MaxValue, StatusCode.Unavailable);
        var first = await Assert.ThrowsAsync<RpcException>(() => Call(interceptor, downstream));
        Assert.Equal(StatusCode.Unavailable, first.StatusCode);
        // 5 failed attempts (the breaker's minimum throughput, 100 % failures) open it: the 6th try is refused locally.
        Assert.Equal(5, attempts());
        Assert.Contains("circuit open", first.Status.Detail);
        var before = attempts();
        var open = await Assert.ThrowsAsync<RpcException>(() => Call(interceptor, downstream));
        Assert.Equal(StatusCode.Unavailable, open.StatusCode);
        Assert.Contains("circuit open", open.Status.Detail);
        Assert.Equal(before, attempts()); // the open breaker answered without calling downstream
    }

    [Theory]
    [InlineData("http://127.0.0.1:25102")]
    [InlineData("http://127.0.0.1:25102;http://127.0.0.1:25112")]
    public void Channel_RetriesAReturningPeerWithinTwoSeconds(string addresses)
    {
        // gRPC's own reconnect backoff grows to 120 s: a channel whose peer was down 10 s next tried it 15-25 s later
        // (Catalog's restart cost order POSTs 25-30 s past its readiness in the chaos run).
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Agora:Services:catalog:Grpc"] = addresses }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAgoraGrpcClient<CatalogService.CatalogServiceClient>(configuration, "catalog");
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IOptionsMonitor<GrpcClientFactoryOptions>>()
            .Get(nameof(CatalogService.CatalogServiceClient));

        var channel = new GrpcChannelOptions();
        foreach (var configure in factory.ChannelOptionsActions)
        {
            configure(channel);
        }

        Assert.Equal(TimeSpan.FromSeconds(2), channel.MaxReconnectBackoff);
    }
}
