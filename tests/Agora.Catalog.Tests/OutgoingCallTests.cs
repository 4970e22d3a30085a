using System.Collections.Concurrent;
using System.Net;
using Agora.Http;
using Agora.Catalog.Tests.Infrastructure;
using Agora.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Catalog.Tests;

/// <summary>Every outgoing HTTP (and so gRPC) client gets the correlation header and the resilience pipeline.</summary>
public sealed class OutgoingCallTests : IAsyncLifetime, IDisposable
{
    private sealed class ScriptedHandler : HttpMessageHandler
    {
        public ConcurrentQueue<HttpRequestMessage> Requests { get; } = new();
        public Queue<HttpStatusCode> Script { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            var status = Script.Count > 0 ? Script.Dequeue() : HttpStatusCode.OK;
            return Task.FromResult(new HttpResponseMessage(status));
        }
    }

    private readonly ScriptedHandler _downstream = new();
    private CatalogApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = new CatalogApp(AgoraMode.Embedded).WithServices(s =>
            s.AddHttpClient("downstream", c => c.BaseAddress = new Uri("http://downstream.test"))
                .ConfigurePrimaryHttpMessageHandler(() => _downstream));
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _downstream.Dispose();

    private HttpClient Client => _app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("downstream");

    [Fact]
    public async Task OutgoingHttp_AmbientCorrelation_IsSentAsHeader()
    {
        CorrelationContext.CorrelationId = "corr-out-1";
        (await Client.GetAsync("/x")).EnsureSuccessStatusCode();
        Assert.Equal("corr-out-1", _downstream.Requests.Last().Headers.GetValues("X-Correlation-ID").Single());
    }

    [Fact]
    public async Task OutgoingHttp_TransientFailures_AreRetriedWithBackoff()
    {
        _downstream.Script.Enqueue(HttpStatusCode.ServiceUnavailable);
        _downstream.Script.Enqueue(HttpStatusCode.InternalServerError);
        var started = DateTime.UtcNow;
        var response = await Client.GetAsync("/flaky");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, _downstream.Requests.Count(r => r.RequestUri!.AbsolutePath == "/flaky"));
        // 100 ms then 200 ms base delays, with jitter: well above zero, well below the total timeout.
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task OutgoingHttp_UnsafeMethod_IsNotRetried()
    {
        _downstream.Script.Enqueue(HttpStatusCode.ServiceUnavailable);
        using var content = new StringContent("{}");
        var response = await Client.PostAsync("/once", content);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, _downstream.Requests.Count(r => r.RequestUri!.AbsolutePath == "/once"));
    }
}
