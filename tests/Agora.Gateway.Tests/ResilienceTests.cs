extern alias gateway;

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;

namespace Agora.Gateway.Tests;

/// <summary>
/// Load balancing, outlier ejection, active health checks, retries, the breaker, timeouts, the canary split and hot
/// reload, each against its own replicas (real Kestrel backends) and its own gateway. The gateway's behaviour here does
/// not depend on the mode (no store is involved), so these run in the embedded mode only.
/// </summary>
[Collection("resilience")]
public sealed class ResilienceTests : GatewayScenario
{
    private async Task<Backend[]> BackendsAsync(params string[] names)
    {
        var backends = new List<Backend>();
        foreach (var name in names)
        {
            backends.Add(await BackendAsync(name));
        }

        return [.. backends];
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Poll.UntilAsync(condition, met => met, what, timeout);

    [Fact]
    public async Task Balancing_TwoHealthyReplicas_BothServe()
    {
        var (a, b) = (await BackendsAsync("a", "b")) is var x ? (x[0], x[1]) : default;
        using var client = Gateway().Cluster("svc", [a, b]).Route("r", "/api/{**rest}", "svc").Start();

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/api/x")).Status);
        }

        Assert.Equal(200, a.Hits + b.Hits);
        Assert.InRange(a.Hits, 40, 160);
    }

    [Fact]
    public async Task Outlier_ReplicaFailingFiveTimesInARow_EjectedGetsNoTraffic_ReturnsAfterRecovery()
    {
        var (good, bad) = (await BackendsAsync("good", "bad")) is var x ? (x[0], x[1]) : default;
        var gateway = Gateway().Cluster("svc", [good, bad], reactivation: TimeSpan.FromSeconds(2)).Route("r", "/api/{**rest}", "svc");

        // Half the calls fail while the bad replica is in, which would open the cluster's breaker (50 % of 10): this test is
        // about ejection, so the breaker waits longer.
        gateway.Resilience["BreakerMinimumCalls"] = 1000;
        gateway.Resilience["BreakerWindow"] = 1000;
        using var client = gateway.Start();
        bad.Failing = true;

        // POST is never retried: each failure reaches the client, and the bad replica's count is visible.
        var failures = 0;
        for (var i = 0; i < 60; i++)
        {
            var (status, _) = await SendAsync(client, HttpMethod.Post, "/api/x", "{}");
            failures += status == HttpStatusCode.InternalServerError ? 1 : 0;
        }

        Assert.Equal(5, bad.Hits);
        Assert.Equal(5, failures);

        // Ejected: nothing more reaches it while it is out.
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Post, "/api/x", "{}")).Status);
        }

        Assert.Equal(5, bad.Hits);

        // Recovered and reactivated: it serves again.
        bad.Failing = false;
        await Poll.UntilAsync(async () =>
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Post, "/api/x", "{}")).Status);
            return bad.Hits > 5;
        }, "the recovered replica back in rotation", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 60; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Post, "/api/x", "{}")).Status);
        }

        Assert.True(bad.Hits > 5, $"the recovered replica got {bad.Hits - 5} requests");
    }

    [Fact]
    public async Task Outlier_AtMostHalfTheReplicasEjected()
    {
        var (a, b) = (await BackendsAsync("a", "b")) is var x ? (x[0], x[1]) : default;
        var gateway = Gateway().Cluster("svc", [a, b], reactivation: TimeSpan.FromMinutes(5)).Route("r", "/api/{**rest}", "svc");
        gateway.Resilience["BreakerMinimumCalls"] = 1000;
        gateway.Resilience["BreakerWindow"] = 1000;
        using var client = gateway.Start();
        a.Failing = true;
        b.Failing = true;

        for (var i = 0; i < 40; i++)
        {
            await SendAsync(client, HttpMethod.Post, "/api/x", "{}");
        }

        // One of the two was ejected; the other keeps getting traffic although it fails too.
        var aBefore = a.Hits;
        var bBefore = b.Hits;
        for (var i = 0; i < 20; i++)
        {
            await SendAsync(client, HttpMethod.Post, "/api/x", "{}");
        }

        Assert.Equal(20, (a.Hits - aBefore) + (b.Hits - bBefore));
        Assert.True((a.Hits - aBefore == 20) ^ (b.Hits - bBefore == 20), $"a +{a.Hits - aBefore}, b +{b.Hits - bBefore}");
    }

    [Fact]
    public async Task ActiveHealth_NotReadyReplica_TakenOutByProbes_BackWhenReady()
    {
        var (a, b) = (await BackendsAsync("a", "b")) is var x ? (x[0], x[1]) : default;
        var app = Gateway().Cluster("svc", [a, b], activeInterval: TimeSpan.FromMilliseconds(300)).Route("r", "/api/{**rest}", "svc");
        using var client = app.Start();
        var cluster = () => app.Services.GetRequiredService<IProxyStateLookup>().TryGetCluster("svc", out var c) ? c : null;
        b.Healthy = false;

        await WaitUntilAsync(() => Task.FromResult(cluster()!.DestinationsState.AvailableDestinations.Count == 1), TimeSpan.FromSeconds(10), "b taken out");
        var before = b.Hits;
        for (var i = 0; i < 30; i++)
        {
            await SendAsync(client, HttpMethod.Get, "/api/x");
        }

        Assert.Equal(before, b.Hits);

        b.Healthy = true;
        await WaitUntilAsync(() => Task.FromResult(cluster()!.DestinationsState.AvailableDestinations.Count == 2), TimeSpan.FromSeconds(10), "b back");
    }

    [Fact]
    public async Task Retry_IdempotentGet_RetriedOnAnotherAttempt_ClientSeesSuccess()
    {
        var backend = (await BackendsAsync("only"))[0];
        using var client = Gateway().Cluster("svc", [backend]).Route("r", "/api/{**rest}", "svc").Start();
        backend.FailNext(2);

        var (status, body) = await SendAsync(client, HttpMethod.Get, "/api/x");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("only", (string?)body!["backend"]);
        Assert.Equal(3, backend.Hits);
    }

    [Fact]
    public async Task Retry_Post_NeverRetried_TheFailureIsTheAnswer()
    {
        var backend = (await BackendsAsync("only"))[0];
        using var client = Gateway().Cluster("svc", [backend]).Route("r", "/api/{**rest}", "svc").Start();
        backend.FailNext(1);

        var (status, body) = await SendAsync(client, HttpMethod.Post, "/api/x", "{}");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("BOOM", (string?)body!["error"]!["code"]);
        Assert.Equal(1, backend.Hits);
    }

    [Fact]
    public async Task Retry_GetGoesToTheOtherReplica_WhenOneFails()
    {
        var (a, b) = (await BackendsAsync("a", "b")) is var x ? (x[0], x[1]) : default;
        using var client = Gateway().Cluster("svc", [a, b]).Route("r", "/api/{**rest}", "svc").Start();
        a.FailNext(1);
        b.FailNext(1);

        // Whichever is tried first fails once; the retry goes to the other, which fails once too; the third attempt succeeds.
        var (status, _) = await SendAsync(client, HttpMethod.Get, "/api/x");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(a.Hits >= 1 && b.Hits >= 1, $"a {a.Hits}, b {b.Hits}");
    }

    [Fact]
    public async Task Retry_Budget_LimitsRetriesUnderAFailingService()
    {
        var backend = (await BackendsAsync("only"))[0];
        var gateway = Gateway().Cluster("svc", [backend]).Route("r", "/api/{**rest}", "svc");
        gateway.Resilience["RetryBudgetMinimum"] = 2;
        gateway.Resilience["RetryBudgetRatio"] = 0.0;
        gateway.Resilience["BreakerMinimumCalls"] = 1000;
        gateway.Resilience["BreakerWindow"] = 1000;
        using var client = gateway.Start();
        backend.Failing = true;

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, (await SendAsync(client, HttpMethod.Get, "/api/x")).Status);
        }

        // 5 requests, and only the 2 retries the budget holds.
        Assert.Equal(7, backend.Hits);
    }

    [Fact]
    public async Task Breaker_OpensAfterFailures_FailsFastWith503_ClosesAfterTrialsSucceed()
    {
        var backend = (await BackendsAsync("only"))[0];
        var gateway = Gateway().Cluster("svc", [backend]).Route("r", "/api/{**rest}", "svc");
        gateway.Resilience["BreakDuration"] = "00:00:01";
        using var client = gateway.Start();
        backend.Failing = true;

        // 5 calls, all failed: 100 % ≥ 50 % of at least 5 calls.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, (await SendAsync(client, HttpMethod.Post, "/api/x", "{}")).Status);
        }

        var hits = backend.Hits;
        using var body = new StringContent("{}", Encoding.UTF8, "application/json");
        using (var open = await client.PostAsync("/api/x", body))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, open.StatusCode);
            Assert.Equal("CIRCUIT_OPEN", (string?)JsonNode.Parse(await open.Content.ReadAsStringAsync())!["error"]!["code"]);
            Assert.True(open.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        Assert.Equal(hits, backend.Hits);

        // The service recovers; after the break, 3 trial calls succeed and it closes.
        backend.Failing = false;
        var trial = await Poll.UntilAsync(() => SendAsync(client, HttpMethod.Post, "/api/x", "{}"), r => r.Status != HttpStatusCode.ServiceUnavailable,
            "the break over", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50)); // refused while open: the backend sees none of these
        Assert.Equal(HttpStatusCode.OK, trial.Status);
        for (var i = 1; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Post, "/api/x", "{}")).Status);
        }

        Assert.Equal(hits + 10, backend.Hits);
    }

    [Fact]
    public async Task Breaker_TrialFails_OpensAgain()
    {
        var backend = (await BackendsAsync("only"))[0];
        var gateway = Gateway().Cluster("svc", [backend]).Route("r", "/api/{**rest}", "svc");
        gateway.Resilience["BreakDuration"] = "00:00:01";
        using var client = gateway.Start();
        backend.Failing = true;
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(client, HttpMethod.Post, "/api/x", "{}");
        }

        var trial = await Poll.UntilAsync(() => SendAsync(client, HttpMethod.Post, "/api/x", "{}"), r => r.Status != HttpStatusCode.ServiceUnavailable,
            "the break over", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        Assert.Equal(HttpStatusCode.InternalServerError, trial.Status);
        var (status, body) = await SendAsync(client, HttpMethod.Post, "/api/x", "{}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("CIRCUIT_OPEN", (string?)body!["error"]!["code"]);
    }

    [Fact]
    public async Task Timeout_SlowReplica_504InTheEnvelope()
    {
        var backend = (await BackendsAsync("slow"))[0];
        var gateway = Gateway().Cluster("svc", [backend]).Route("r", "/api/{**rest}", "svc");
        gateway.Resilience["PerTryTimeout"] = "00:00:00.300";
        gateway.Resilience["MaxRetries"] = 0;
        using var client = gateway.Start();
        backend.Delay = TimeSpan.FromSeconds(3);

        var (status, body) = await SendAsync(client, HttpMethod.Get, "/api/x");

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Equal("GATEWAY_TIMEOUT", (string?)body!["error"]!["code"]);
    }

    [Fact]
    public async Task Unreachable_NoReplicaListening_503NotListeningInTheEnvelope()
    {
        var gone = (await BackendsAsync("gone"))[0];
        using var client = Gateway().Cluster("svc", [gone]).Route("r", "/api/{**rest}", "svc").Start();
        await gone.DisposeAsync();

        var (status, body) = await SendAsync(client, HttpMethod.Post, "/api/x", "{}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("SERVICE_NOT_LISTENING", (string?)body!["error"]!["code"]);
    }

    [Fact]
    public async Task Canary_NinetyTen_SplitWithinThreePercentOver10000Requests_HeaderPins()
    {
        var (stable, canary) = (await BackendsAsync("stable", "canary")) is var x ? (x[0], x[1]) : default;
        var app = Gateway().Cluster("v1", [stable]).Cluster("v2", [canary])
            .Route("r", "/api/{**rest}", "v1", metadata: new JsonObject { ["Canary.Cluster"] = "v2", ["Canary.Weight"] = "10" });
        using var client = app.Start();

        var tasks = Enumerable.Range(0, 8).Select(async _ =>
        {
            using var own = app.NewClient();
            for (var i = 0; i < 1250; i++)
            {
                using var response = await own.GetAsync("/api/x");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });
        await Task.WhenAll(tasks);

        Assert.Equal(10_000, stable.Hits + canary.Hits);
        Assert.InRange(canary.Hits / 10_000.0, 0.07, 0.13);

        var canaryBefore = canary.Hits;
        for (var i = 0; i < 20; i++)
        {
            using var pinned = new HttpRequestMessage(HttpMethod.Get, "/api/x");
            pinned.Headers.Add("X-Agora-Version", "canary");
            using var response = await client.SendAsync(pinned);
            Assert.Equal("canary", response.Headers.GetValues("X-Agora-Version").Single());
        }

        Assert.Equal(canaryBefore + 20, canary.Hits);
        Assert.DoesNotContain(canary.Seen, s => s.Headers.ContainsKey("X-Agora-Version"));

        var stableBefore = stable.Hits;
        for (var i = 0; i < 50; i++)
        {
            using var pinned = new HttpRequestMessage(HttpMethod.Get, "/api/x");
            pinned.Headers.Add("X-Agora-Version", "stable");
            using var response = await client.SendAsync(pinned);
            Assert.Equal("stable", response.Headers.GetValues("X-Agora-Version").Single());
        }

        Assert.Equal(stableBefore + 50, stable.Hits);
    }

    [Fact]
    public async Task Canary_OnTheCluster_SplitsEveryRouteToIt_ARouteOwnCanaryWins()
    {
        var backends = await BackendsAsync("stable", "canary", "other");
        var (stable, canary, other) = (backends[0], backends[1], backends[2]);
        var app = Gateway()
            .Cluster("catalog", [stable], metadata: new JsonObject { ["Canary.Cluster"] = "catalog-canary", ["Canary.Weight"] = "10" })
            .Cluster("catalog-canary", [canary]).Cluster("other", [other])
            .Route("products", "/api/products/{**rest}", "catalog").Route("categories", "/api/categories/{**rest}", "catalog")
            .Route("own", "/api/own/{**rest}", "catalog", metadata: new JsonObject { ["Canary.Cluster"] = "other", ["Canary.Weight"] = "50" });
        using var client = app.Start();

        foreach (var path in new[] { "/api/products/x", "/api/categories/y" })
        {
            for (var i = 0; i < 100; i++)
            {
                using var response = await client.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        // One interleaved counter for the cluster: exactly 10 % of its 200 requests, whichever route they came by.
        Assert.Equal(20, canary.Hits);
        Assert.Equal(180, stable.Hits);
        Assert.Contains(canary.Seen, s => s.Path.StartsWith("/api/products", StringComparison.Ordinal));
        Assert.Contains(canary.Seen, s => s.Path.StartsWith("/api/categories", StringComparison.Ordinal));

        for (var i = 0; i < 10; i++)
        {
            using var own = await client.GetAsync("/api/own/z");
        }

        Assert.Equal(5, other.Hits);
        Assert.Equal(20, canary.Hits);
    }

    [Fact]
    public async Task HotReload_RouteChangedInTheFile_AppliesWithoutRestart()
    {
        var (first, second) = (await BackendsAsync("first", "second")) is var x ? (x[0], x[1]) : default;
        var app = Gateway().Cluster("one", [first]).Cluster("two", [second]).Route("r", "/api/{**rest}", "one");
        using var client = app.Start();
        Assert.Equal("first", (string?)(await SendAsync(client, HttpMethod.Get, "/api/x")).Body!["backend"]);

        app.Route("r", "/api/{**rest}", "two").Route("new", "/fresh/{**rest}", "one");
        await app.ReconfigureAsync();

        await WaitUntilAsync(async () => (string?)(await SendAsync(client, HttpMethod.Get, "/api/x")).Body?["backend"] == "second",
            TimeSpan.FromSeconds(15), "the route to move to cluster two");
        Assert.Equal("first", (string?)(await SendAsync(client, HttpMethod.Get, "/fresh/y")).Body!["backend"]);
    }

    [Fact]
    public async Task Deprecation_ReducedPhase_RouteSwitchedToTheReducedRateLimitPolicy()
    {
        var backend = (await BackendsAsync("old"))[0];
        var app = Gateway().Cluster("svc", [backend])
            .Route("reduced", "/api/v1/{**rest}", "svc", metadata: new JsonObject
            {
                ["Deprecation.ReducedFrom"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
                ["Deprecation.ReducedRateLimiterPolicy"] = "deprecated-reduced",
            })
            .Route("later", "/api/v2/{**rest}", "svc", metadata: new JsonObject
            {
                ["Deprecation.ReducedFrom"] = DateTimeOffset.UtcNow.AddDays(30).ToString("O"),
                ["Deprecation.ReducedRateLimiterPolicy"] = "deprecated-reduced",
            })
            .WithServices(s => s.AddRateLimiter(o => o.AddFixedWindowLimiter("deprecated-reduced", l =>
            {
                l.PermitLimit = 1;
                l.Window = TimeSpan.FromMinutes(1);
            })));
        using var client = app.Start();
        var lookup = app.Services.GetRequiredService<IProxyStateLookup>();

        Assert.True(lookup.TryGetRoute("reduced", out var reduced));
        Assert.Equal("deprecated-reduced", reduced.Config.RateLimiterPolicy);
        Assert.True(lookup.TryGetRoute("later", out var later));
        Assert.Null(later.Config.RateLimiterPolicy);
    }
}
