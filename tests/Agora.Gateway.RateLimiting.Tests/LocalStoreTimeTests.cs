using System.Net;
using Agora.Gateway.RateLimiting.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Gateway.RateLimiting.Tests;

/// <summary>The algorithms against the clock, on the in-process store with a fake clock (Redis keeps its own time).</summary>
[Collection("local")]
public sealed class LocalStoreTimeTests
{
    // A whole minute, so fixed windows (aligned to the Unix epoch) start exactly here.
    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private static Task<LimiterHost> Start(FakeTimeProvider time, Func<LimiterConfig, LimiterConfig> configure) =>
        LimiterHost.StartAsync(configure(new LimiterConfig(RateLimitStoreKind.Local)).Build(), time);

    [Fact]
    public async Task TokenBucket_AdmitsTheCapacityThenRefillsAtTheRate()
    {
        var time = new FakeTimeProvider(Noon);
        await using var host = await Start(time, c => c.TokenBucket("seed", 100, 10));

        Assert.Equal(100, await AdmittedAsync(host, "/agora/seed", 150));
        using (var refused = await host.Client.Get("/agora/seed"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("1", refused.Header("Retry-After"));
            Assert.Equal("\"seed\";q=100;w=10", refused.Header("RateLimit-Policy"));
        }

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, await AdmittedAsync(host, "/agora/seed", 50));

        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(2, await AdmittedAsync(host, "/agora/seed", 50));

        // Refill stops at the capacity however long the bucket sits.
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(100, await AdmittedAsync(host, "/agora/seed", 150));
    }

    [Fact]
    public async Task SlidingWindow_WeighsThePreviousWindowAsTheSeedDoes()
    {
        // The seed's example: at 12:01:30, 80 requests in 12:00–12:01 and 20 in 12:01–12:02 weigh 80 × 0.5 + 20 = 60.
        var time = new FakeTimeProvider(Noon.AddSeconds(10));
        await using var host = await Start(time, c => c.Sliding("minute", (100, "00:01:00")));
        Assert.Equal(80, await AdmittedAsync(host, "/agora/minute", 80));
        time.SetUtcNow(Noon.AddSeconds(70));
        Assert.Equal(20, await AdmittedAsync(host, "/agora/minute", 20));
        time.SetUtcNow(Noon.AddSeconds(90));

        using var response = await host.Client.Get("/agora/minute");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(100 - 60 - 1, response.LongHeader("X-RateLimit-Remaining"));

        // …so exactly 39 more fit, and the 40th is refused.
        Assert.Equal(39, await AdmittedAsync(host, "/agora/minute", 50));

        // As 12:00–12:01 slides out, its weight decays: 10 s later 80 × (20/60) + 60 = 86.7, so 13 more fit.
        time.SetUtcNow(Noon.AddSeconds(100));
        Assert.Equal(13, await AdmittedAsync(host, "/agora/minute", 50));
    }

    [Fact]
    public async Task RetryAfter_IsHonest_ARetryThatWaitsItIsAdmitted_OneThatDoesNotIsRefused()
    {
        // 10 in 12:00–12:01; at 12:01:00 they weigh 10 × 60/60 = 10: full. 9 of 10 is reached 6 s later.
        var time = new FakeTimeProvider(Noon.AddSeconds(30));
        await using var host = await Start(time, c => c.Sliding("minute", (10, "00:01:00")));
        Assert.Equal(10, await AdmittedAsync(host, "/agora/minute", 20));
        time.SetUtcNow(Noon.AddSeconds(60));

        using var refused = await host.Client.Get("/agora/minute");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.LongHeader("Retry-After");
        Assert.Equal(6, retryAfter);

        time.Advance(TimeSpan.FromSeconds(retryAfter) - TimeSpan.FromMilliseconds(100));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/minute"));
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/minute"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/minute"));
    }

    [Fact]
    public void SlidingWindow_Arithmetic_MatchesTheSeedFormula()
    {
        var windows = new[] { new WindowSpec(100, 60_000, "minute") };
        var nowMs = Noon.AddSeconds(90).ToUnixTimeMilliseconds();
        var index = nowMs / 60_000;

        // State of the current window: index, count 20, previous window's count 80.
        long[] state = [index, 20, 80];
        var decision = Algorithms.SlidingWindow(state, nowMs, windows);

        Assert.True(decision.Allowed);
        Assert.Equal(60.0 + 1, Algorithms.Weighted(80, state[1], 60_000, 30_000));
        Assert.Equal(39, decision.Tightest.Remaining);
        Assert.Equal(30_000, decision.Tightest.ResetMs);
    }

    [Fact]
    public void SlidingWindow_ClockSteppingBack_DoesNotReopenAFullWindow()
    {
        var windows = new[] { new WindowSpec(3, 60_000, "minute") };
        var now = Noon.AddSeconds(70).ToUnixTimeMilliseconds();
        var state = new long[3];
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Algorithms.SlidingWindow(state, now, windows).Allowed);
        }

        // The clock steps back 30 s, into the previous fixed window.
        Assert.False(Algorithms.SlidingWindow(state, now - 30_000, windows).Allowed);
        Assert.Equal(3, state[1]);
    }

    [Fact]
    public async Task SeveralWindows_TheLongerOneLimitsOnceTheShortOneRolls()
    {
        var time = new FakeTimeProvider(Noon);
        await using var host = await Start(time, c => c.Sliding("kong", (3, "00:01:00"), (5, "01:00:00")));
        Assert.Equal(3, await AdmittedAsync(host, "/agora/kong", 10));

        // Two minutes on, the minute window is empty again; the hour has 2 left.
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(2, await AdmittedAsync(host, "/agora/kong", 10));

        using var refused = await host.Client.Get("/agora/kong");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("5", refused.Header("X-RateLimit-Limit"));
        Assert.Equal("0", refused.Header("X-RateLimit-Remaining"));

        // The hour's 5 must roll into the previous window and decay below 4 of 5: 58 min + 12 min.
        Assert.Equal((58 + 12) * 60, refused.LongHeader("Retry-After"));
    }

    [Fact]
    public async Task IdlePartitions_AreSwept_AndStartAfresh()
    {
        var time = new FakeTimeProvider(Noon);
        await using var host = await Start(time, c => c.TokenBucket("one", 1, 1).Sliding("minute", (1, "00:01:00")));
        for (var i = 0; i < 20; i++)
        {
            var peer = ("X-Test-Peer", $"203.0.113.{i}");
            Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/one", peer));
            Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/minute", peer));
        }

        var store = host.Services.GetRequiredService<RateLimitPolicyRegistry>().Local!;
        Assert.Equal(40, store.PartitionCount);

        // The sweep runs every 30 s; after 3 minutes both the buckets (full again) and the windows (weightless) are idle.
        time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(0, store.PartitionCount);
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/minute", ("X-Test-Peer", "203.0.113.1")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/minute", ("X-Test-Peer", "203.0.113.1")));
    }

    private static async Task<int> AdmittedAsync(LimiterHost host, string path, int attempts)
    {
        var admitted = 0;
        for (var i = 0; i < attempts; i++)
        {
            var status = await host.Client.Status(path);
            if (status == HttpStatusCode.OK)
            {
                admitted++;
            }
            else
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, status);
                break;
            }
        }

        return admitted;
    }
}
