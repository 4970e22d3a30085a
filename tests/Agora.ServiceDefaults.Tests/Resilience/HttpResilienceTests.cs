using System.Net;
using Agora.ServiceDefaults.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace Agora.ServiceDefaults.Tests.Resilience;

/// <summary>The HTTP defaults every service gets: a circuit breaker and bulkhead per downstream, not per process.</summary>
public sealed class HttpResilienceTests
{
    [Fact]
    public async Task OneDownstreamFailing_OpensItsBreakerOnly_OtherDownstreamsKeepAnswering()
    {
        await using var provider = Services(("payment", "http://payment.test"), ("catalog", "http://catalog.test"));
        var factory = provider.GetRequiredService<IHttpClientFactory>();
        var payment = factory.CreateClient("payment");
        var catalog = factory.CreateClient("catalog");

        // Payment answers 503 to everything: its retries fail 5 times and open its breaker.
        await Assert.ThrowsAsync<BrokenCircuitException>(() => payment.GetAsync("/api/v1/payments"));
        await Assert.ThrowsAsync<BrokenCircuitException>(() => payment.GetAsync("/api/v1/payments"));

        var response = await catalog.GetAsync("/api/v1/products");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TwoClientsOfOneDownstream_ShareItsBreaker()
    {
        await using var provider = Services(("payment", "http://payment.test"), ("payment-admin", "http://payment.test"));
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        await Assert.ThrowsAsync<BrokenCircuitException>(() => factory.CreateClient("payment").GetAsync("/api/v1/payments"));

        // The service is down, whichever client asks: the second one fails fast instead of waiting out its own retries.
        await Assert.ThrowsAsync<BrokenCircuitException>(() => factory.CreateClient("payment-admin").GetAsync("/api/v1/payments"));
    }

    private static ServiceProvider Services(params (string Name, string Address)[] clients)
    {
        var services = new ServiceCollection();
        services.AddAgoraResilience();
        foreach (var (name, address) in clients)
        {
            services.AddHttpClient(name, c => c.BaseAddress = new Uri(address))
                .ConfigurePrimaryHttpMessageHandler(() => new Downstreams());
        }

        return services.BuildServiceProvider();
    }

    /// <summary>The network: payment.test is down (503), every other host answers 200.</summary>
    private sealed class Downstreams : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(request.RequestUri!.Host == "payment.test" ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK)
            {
                RequestMessage = request,
            });
    }
}
