using System.Net;
using System.Text.RegularExpressions;

namespace Agora.Gateway.RateLimiting.Tests;

/// <summary>
/// What a client of the gateway sees, written once and run against both stores: the in-process store (embedded mode)
/// and Redis (distributed mode, a real server). Limits are chosen so real time passing during a test cannot refill
/// anything that matters (buckets refill 0.01 token/s, windows are an hour long).
/// </summary>
public abstract partial class RateLimitBehaviourTests
{
    private static readonly (string, string) UntrustedPeer = ("X-Test-Peer", "198.51.100.7");
    private static readonly (string, string) TrustedProxy = ("X-Test-Peer", "10.0.0.5");

    protected abstract RateLimitStoreKind Store { get; }

    private Task<LimiterHost> Start(Func<LimiterConfig, LimiterConfig> configure) =>
        LimiterHost.StartAsync(configure(new LimiterConfig(Store)).Build());

    [Fact]
    public async Task Allowed_CarriesXRateLimitAndIetfHeaders()
    {
        await using var host = await Start(c => c.TokenBucket("burst", 5, 0.01));
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using var response = await host.Client.Get("/agora/burst");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("5", response.Header("X-RateLimit-Limit"));
        Assert.Equal("4", response.Header("X-RateLimit-Remaining"));

        // Reset is a Unix time (seconds), as in the seed: when the bucket is full again, 1 token / 0.01 per s = 100 s.
        var reset = response.LongHeader("X-RateLimit-Reset");
        Assert.InRange(reset, before + 99, before + 102);
        Assert.Equal("\"burst\";q=5;w=500", response.Header("RateLimit-Policy"));
        Assert.Matches(new Regex("^\"burst\";r=4;t=(99|100)$"), response.Header("RateLimit"));
        Assert.Null(response.Header("Retry-After"));
    }

    [Fact]
    public async Task Exhausted_Answers429WithRetryAfterAndTheErrorEnvelope()
    {
        await using var host = await Start(c => c.TokenBucket("burst", 5, 0.01));
        for (var expected = 4; expected >= 0; expected--)
        {
            using var ok = await host.Client.Get("/agora/burst");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(expected, ok.LongHeader("X-RateLimit-Remaining"));
        }

        using var refused = await host.Client.Get("/agora/burst", ("X-Request-ID", "req-limit-test"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.LongHeader("Retry-After"), 99, 100);
        Assert.Equal("5", refused.Header("X-RateLimit-Limit"));
        Assert.Equal("0", refused.Header("X-RateLimit-Remaining"));
        Assert.Matches(new Regex("^\"burst\";r=0;t="), refused.Header("RateLimit"));
        Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
        var body = await refused.Json();
        Assert.Equal("RATE_LIMITED", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("burst", body.GetProperty("error").GetProperty("message").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("meta").GetProperty("request_id").GetString()));
        Assert.True(body.GetProperty("meta").TryGetProperty("timestamp", out _));
    }

    [Theory]
    [InlineData("bucket")]
    [InlineData("window")]
    public async Task ConcurrentRequests_AdmitExactlyTheLimit(string policy)
    {
        await using var host = await Start(c => c.TokenBucket("bucket", 50, 0.001).Sliding("window", (50, "01:00:00")));

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => host.Client.Status($"/agora/{policy}")));

        Assert.Equal(50, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(150, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task SlidingWindow_AdmitsTheLimitThenRefusesUntilTheWeightedCountAllows()
    {
        await using var host = await Start(c => c.Sliding("hourly", (3, "01:00:00")));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/hourly"));
        }

        using var refused = await host.Client.Get("/agora/hourly");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        // 3 in the current hour: they must first become the previous window's count, then decay below 2 of 3:
        // the rest of this hour plus a third of the next.
        Assert.InRange(refused.LongHeader("Retry-After"), 1200, 4800);
        Assert.Equal("\"hourly\";q=3;w=3600", refused.Header("RateLimit-Policy"));
    }

    [Fact]
    public async Task SeveralWindows_AllMustAdmit_HeadersReportTheTightest()
    {
        await using var host = await Start(c => c.Sliding("kong", (3, "00:01:00"), (5, "01:00:00")));

        using var first = await host.Client.Get("/agora/kong");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("3", first.Header("X-RateLimit-Limit"));
        Assert.Equal("2", first.Header("X-RateLimit-Remaining"));
        Assert.Equal("\"kong-60s\";q=3;w=60, \"kong-3600s\";q=5;w=3600", first.Header("RateLimit-Policy"));
        Assert.Matches(new Regex("^\"kong-60s\";r=2;t=\\d+, \"kong-3600s\";r=4;t=\\d+$"), first.Header("RateLimit"));

        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/kong"));
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/kong"));
        using var refused = await host.Client.Get("/agora/kong");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("3", refused.Header("X-RateLimit-Limit"));

        // The refused request counted nowhere: the hour still has 5 − 3 = 2 left.
        Assert.Matches(new Regex("\"kong-3600s\";r=2;"), refused.Header("RateLimit"));
    }

    [Fact]
    public async Task Partitions_BySubjectClientApiKeyAndIp()
    {
        await using var host = await Start(c => c.TokenBucket("one", 1, 0.01));
        (string, string)[][] consumers =
        [
            [("X-Test-Sub", "usr_a")],
            [("X-Test-Sub", "usr_b")],
            [("X-Test-Client", "usr_a")],       // the same text as a subject is another consumer
            [("X-Test-ApiKey", "key_1")],
            [("X-Test-Peer", "203.0.113.1")],
            [("X-Test-Peer", "203.0.113.2")],
            [("X-Test-Peer", "2001:db8::1")],
        ];
        foreach (var consumer in consumers)
        {
            Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/one", consumer));
        }

        foreach (var consumer in consumers)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/one", consumer));
        }

        // A subject is one consumer from any address; the token wins over the address.
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/one", ("X-Test-Sub", "usr_a"), ("X-Test-Peer", "203.0.113.99")));
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/one", ("X-Test-Peer", "203.0.113.99")));

        // An IPv4 client seen through an IPv4-mapped IPv6 socket is the same client.
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/one", ("X-Test-Peer", "::ffff:203.0.113.1")));
    }

    [Fact]
    public async Task SpoofedForwardedFor_FromAnUntrustedPeer_DoesNotChangeThePartition()
    {
        await using var host = await Start(c => c.TokenBucket("one", 1, 0.01).Trust("10.0.0.0/8"));

        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/one", UntrustedPeer, ("X-Forwarded-For", "192.0.2.1")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/one", UntrustedPeer, ("X-Forwarded-For", "192.0.2.2")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/one", UntrustedPeer, ("X-Forwarded-For", "10.0.0.5, 192.0.2.3")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/one", UntrustedPeer));
    }

    [Fact]
    public async Task ForwardedFor_FromATrustedProxy_NamesTheClient()
    {
        await using var host = await Start(c => c.TokenBucket("one", 1, 0.01).Trust("10.0.0.0/8").Trust("192.168.1.1"));

        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/one", TrustedProxy, ("X-Forwarded-For", "192.0.2.1")));
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/one", TrustedProxy, ("X-Forwarded-For", "192.0.2.2")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/one", TrustedProxy, ("X-Forwarded-For", "192.0.2.1")));

        // Through two trusted proxies, with a spoofed entry the client prepended: the right-most untrusted hop counts.
        Assert.Equal(HttpStatusCode.TooManyRequests,
            await host.Client.Status("/agora/one", TrustedProxy, ("X-Forwarded-For", "203.0.113.50, 192.0.2.1, 192.168.1.1")));
        Assert.Equal(HttpStatusCode.OK,
            await host.Client.Status("/agora/one", TrustedProxy, ("X-Forwarded-For", "192.0.2.1, 192.0.2.3, 192.168.1.1")));

        // The proxy's own requests (no header) are the proxy's partition, not a client's.
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/one", TrustedProxy));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/one", TrustedProxy));
    }

    [Fact]
    public async Task Endpoints_ChoosePoliciesByName_TheRestGetTheDefault()
    {
        await using var host = await Start(c => c.TokenBucket("one", 1, 0.01).TokenBucket("two", 2, 0.01).Default("one"));

        // A route without a policy runs the default.
        using var none = await host.Client.Get("/none");
        Assert.Equal("1", none.Header("X-RateLimit-Limit"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/none"));

        // YARP's RateLimiterPolicy (EnableRateLimitingAttribute) and RequireAgoraRateLimit pick by name; counters are
        // per policy and consumer, so both endpoints of "two" share its budget.
        using var yarp = await host.Client.Get("/yarp/two");
        Assert.Equal("2", yarp.Header("X-RateLimit-Limit"));
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/two"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/two"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/yarp/two"));

        // A route that opts out is never limited and carries no rate limit headers.
        for (var i = 0; i < 3; i++)
        {
            using var disabled = await host.Client.Get("/disabled");
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
            Assert.Null(disabled.Header("X-RateLimit-Limit"));
        }
    }

    [Fact]
    public async Task HealthAndMetrics_AreExemptFromTheDefaultPolicy()
    {
        await using var host = await Start(c => c.TokenBucket("one", 1, 0.01).Default("one"));
        for (var i = 0; i < 3; i++)
        {
            using var health = await host.Client.Get("/health/live");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Null(health.Header("X-RateLimit-Limit"));
            Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/metrics"));
        }

        // A prefix is a whole path segment: /healthy-products is an ordinary route.
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/healthy-products"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/healthy-products"));
    }

    [Fact]
    public async Task AnErrorResponseThatClearedTheResponse_StillCarriesTheHeaders()
    {
        await using var host = await Start(c => c.TokenBucket("one", 3, 0.01).Default("one"));

        using var response = await host.Client.Get("/cleared");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Null(response.Header("X-Before"));
        Assert.Equal("3", response.Header("X-RateLimit-Limit"));
        Assert.Equal("2", response.Header("X-RateLimit-Remaining"));
        Assert.NotNull(response.Header("RateLimit"));
    }

    [Fact]
    public async Task NoDefaultPolicy_LeavesUnnamedRoutesUnlimited()
    {
        await using var host = await Start(c => c.TokenBucket("one", 1, 0.01));
        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Client.Get("/none");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(response.Header("RateLimit"));
        }
    }

    [Fact]
    public async Task Decisions_AreCountedInTheMetric()
    {
        await using var host = await Start(c => c.TokenBucket("one", 1, 0.01));
        using var decisions = host.Collect(RateLimitTelemetry.DecisionsName);

        await host.Client.Status("/agora/one");
        await host.Client.Status("/agora/one");
        await host.Client.Status("/agora/one");

        var measurements = decisions.GetMeasurementSnapshot();
        Assert.Equal(1, measurements.Where(m => Equals(m.Tags["outcome"], "allowed") && Equals(m.Tags["policy"], "one")).Sum(m => m.Value));
        Assert.Equal(2, measurements.Where(m => Equals(m.Tags["outcome"], "rejected")).Sum(m => m.Value));
    }
}

/// <summary>Embedded mode: the in-process store.</summary>
[Collection("local")]
public sealed class LocalStoreBehaviourTests : RateLimitBehaviourTests
{
    protected override RateLimitStoreKind Store => RateLimitStoreKind.Local;
}

/// <summary>Distributed mode: Redis (AGORA_TEST_REDIS).</summary>
[Collection("redis")]
public sealed class RedisStoreBehaviourTests : RateLimitBehaviourTests
{
    public RedisStoreBehaviourTests() => TestServers.EnsureDistributedServers();

    protected override RateLimitStoreKind Store => RateLimitStoreKind.Redis;
}
