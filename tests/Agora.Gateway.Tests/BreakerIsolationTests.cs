using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Gateway.Tests;

/// <summary>
/// Issue 17's findings 1 and 2 at the edge, against real Kestrel backends: breakers that isolate, not amplify. A retry
/// with an <c>Idempotency-Key</c> reaches the service although the breaker is open; a service's 503 caused by its
/// dependency, a service that is not listening yet, and one route's failures do not close the service to everyone.
/// </summary>
[Collection("resilience")]
public sealed class BreakerIsolationTests : GatewayScenario
{
    private static async Task<(HttpStatusCode Status, string? Code, HttpResponseMessage Response)> PostAsync(HttpClient client, string path, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var code = text.Length > 0 && JsonNode.Parse(text) is JsonObject body ? (string?)body["error"]?["code"] : null;
        return (response.StatusCode, code, response);
    }

    /// <summary>
    /// Finding 1: the gateway timed out a slow placement (the order was being placed behind it), the timeouts opened the
    /// breaker, and the client's retries with the same key got <c>CIRCUIT_OPEN</c> instead of the order. The per-try
    /// timeout runs on the gateway's clock, moved by the test once Ordering holds each placement: every placement reaches
    /// Ordering and times out, and the retry cannot, however slow the machine is.
    /// </summary>
    [Fact]
    public async Task IdempotencyKeyedRetry_BreakerOpenedByTimeouts_StillReachesTheService()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var ordering = await BackendAsync("ordering");
        var gateway = Gateway().Cluster("ordering", [ordering]).Route("orders", "/api/v1/orders/{**rest}", "ordering")
            .WithServices(s => s.AddSingleton<TimeProvider>(clock));
        gateway.Resilience["PerTryTimeout"] = "00:00:00.200";
        gateway.Resilience["BreakDuration"] = "00:05:00";
        using var client = gateway.Start();

        // Ordering holds each placement until the gateway gives up on it (the gateway's timeout aborts the request).
        ordering.Delay = TimeSpan.FromMinutes(5);
        for (var i = 0; i < 5; i++)
        {
            var placement = PostAsync(client, "/api/v1/orders", "key-" + i);
            var held = i + 1;
            await Poll.UntilAsync(() => ordering.Hits == held, $"Ordering to hold placement {held}");
            clock.Advance(TimeSpan.FromMilliseconds(200));
            var (status, code, response) = await placement;
            response.Dispose();
            Assert.Equal((HttpStatusCode.GatewayTimeout, "GATEWAY_TIMEOUT"), (status, code));
        }

        // Open: a request without a key is refused fast, with Retry-After.
        var (openStatus, openCode, open) = await PostAsync(client, "/api/v1/orders");
        using (open)
        {
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "CIRCUIT_OPEN"), (openStatus, openCode));
            Assert.True(open.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        // The client retries its first order with the same key: it reaches Ordering, which can say what became of it.
        ordering.Delay = TimeSpan.Zero;
        var hits = ordering.Hits;
        var (retried, _, answer) = await PostAsync(client, "/api/v1/orders", "key-0");
        answer.Dispose();

        Assert.Equal(HttpStatusCode.OK, retried);
        Assert.Equal(hits + 1, ordering.Hits);
        Assert.Equal("key-0", ordering.Last.Headers["Idempotency-Key"]);

        // The service answered: the break is over for everyone.
        var (after, _, afterResponse) = await PostAsync(client, "/api/v1/orders");
        afterResponse.Dispose();
        Assert.Equal(HttpStatusCode.OK, after);
    }

    /// <summary>Finding 2: Ordering's own 503 "Catalog could not price an order" opened the <c>ordering</c> breaker for reads too.</summary>
    [Fact]
    public async Task DependencyFailure_ServicesOwn503ForItsDependency_NeverOpensItsBreaker_NorRetried()
    {
        var ordering = await BackendAsync("ordering");
        using var client = Gateway().Cluster("ordering", [ordering]).Route("orders", "/api/v1/orders/{**rest}", "ordering").Start();
        ordering.DependencyFailing = true;

        for (var i = 0; i < 20; i++)
        {
            var (status, code, response) = await PostAsync(client, "/api/v1/orders");
            response.Dispose();
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE"), (status, code));
        }

        using (var read = await client.GetAsync("/api/v1/orders/o-1"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        }

        // Every request reached Ordering once (a GET is not retried on its dependency's failure: every replica shares it).
        Assert.Equal(21, ordering.Hits);

        ordering.DependencyFailing = false;
        using var recovered = await client.GetAsync("/api/v1/orders/o-1");
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    /// <summary>Finding 2: one operation's failures (slow or failing placements) closed the whole cluster, reads included.</summary>
    [Fact]
    public async Task RouteWithABreakerOfItsOwn_ItsFailuresLeaveTheClustersOtherRoutesOpen()
    {
        var ordering = await BackendAsync("ordering");
        var gateway = Gateway().Cluster("ordering", [ordering])
            .Route("orders-place", "/api/v1/orders", "ordering", methods: ["POST"], metadata: new JsonObject { ["Resilience.Breaker"] = "ordering-place" })
            .Route("orders", "/api/v1/orders/{**rest}", "ordering");
        gateway.Resilience["BreakDuration"] = "00:05:00";
        using var client = gateway.Start();
        ordering.Failing = true;
        for (var i = 0; i < 5; i++)
        {
            (await PostAsync(client, "/api/v1/orders")).Response.Dispose();
        }

        var (status, code, response) = await PostAsync(client, "/api/v1/orders");
        response.Dispose();
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "CIRCUIT_OPEN"), (status, code));

        ordering.Failing = false;
        using var read = await client.GetAsync("/api/v1/orders/o-1");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    /// <summary>
    /// Issue 12's start-up bug and finding 2: while a service is not listening (starting, or restarting after a kill) the
    /// gateway answers 503 with Retry-After, and the first request once it listens is served, not refused by a breaker.
    /// </summary>
    [Fact]
    public async Task NotListening_503WithRetryAfter_NoBreakerOpens_ServedAsSoonAsItListens()
    {
        var catalog = await BackendAsync("catalog");
        var port = catalog.Port;
        using var client = Gateway().Cluster("catalog", [catalog]).Route("products", "/api/v1/products/{**rest}", "catalog").Start();
        await StopAsync(catalog);

        for (var i = 0; i < 20; i++)
        {
            var (status, code, response) = await PostAsync(client, "/api/v1/products");
            using (response)
            {
                Assert.Equal((HttpStatusCode.ServiceUnavailable, "SERVICE_NOT_LISTENING"), (status, code));
                Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
            }
        }

        var restarted = await BackendAsync("catalog", port);
        var (served, _, answer) = await PostAsync(client, "/api/v1/products");
        answer.Dispose();

        Assert.Equal(HttpStatusCode.OK, served);
        Assert.Equal(1, restarted.Hits);
    }

    /// <summary>Finding 2: a cold Ordering took over 2 s per POST, and the gateway's 2 s per-try timeout turned that into 504s.</summary>
    [Fact]
    public async Task RoutesOwnPerTryTimeout_ASlowPlacementIsAnsweredNotTimedOut()
    {
        var ordering = await BackendAsync("ordering");
        var gateway = Gateway().Cluster("ordering", [ordering])
            .Route("orders-place", "/api/v1/orders", "ordering", methods: ["POST"], metadata: new JsonObject { ["Resilience.PerTryTimeout"] = "00:00:10" })
            .Route("orders", "/api/v1/orders/{**rest}", "ordering");
        gateway.Resilience["PerTryTimeout"] = "00:00:00.200";
        gateway.Resilience["MaxRetries"] = 0;
        using var client = gateway.Start();
        ordering.Delay = TimeSpan.FromMilliseconds(800);

        var (placed, _, response) = await PostAsync(client, "/api/v1/orders");
        response.Dispose();
        using var read = await client.GetAsync("/api/v1/orders/o-1");

        Assert.Equal(HttpStatusCode.OK, placed);
        Assert.Equal(HttpStatusCode.GatewayTimeout, read.StatusCode);
    }
}
