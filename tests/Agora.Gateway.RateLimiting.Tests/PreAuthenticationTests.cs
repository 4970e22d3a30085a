using System.Net;

namespace Agora.Gateway.RateLimiting.Tests;

/// <summary>
/// Issue 11, item 6 (and the cost half of item 7) in the limiter itself, on both stores: credentials that fail count
/// against the client address like anonymous requests, a flood of unverified ones is refused before anyone checks them,
/// every request counts against the per-address ceiling before authentication, IPv6 clients are limited per /64, and an
/// endpoint can charge a costly request's extra permits to the same budget.
/// </summary>
public abstract class PreAuthenticationTests
{
    private static readonly (string, string) Unverified = (UnverifiedHeaderScreen.Header, "agk_made_up");

    protected abstract RateLimitStoreKind Store { get; }

    private Task<LimiterHost> Start(Func<LimiterConfig, LimiterConfig> configure) =>
        LimiterHost.StartAsync(configure(new LimiterConfig(Store)).Build());

    [Fact]
    public async Task UnverifiedCredentials_CountAgainstTheAddressOnce_ThenAreRefusedBeforeAuthentication()
    {
        await using var host = await Start(c => c.Sliding("standard", (5, "01:00:00")).Default("standard"));
        var peer = ("X-Test-Peer", "203.0.113.10");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            statuses.Add(await host.Client.Status("/none", peer, Unverified));
        }

        // Counted once each (not again after failing authentication): five get through to be refused by the endpoint's
        // own rules, the rest are refused by the limiter before the handler is even asked.
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(7, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(5, host.Authentications);

        // The same budget as anonymous requests from that address; a verified caller there has its own.
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/none", peer));
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/none", peer, ("X-Test-Sub", "usr_real")));
    }

    [Fact]
    public async Task PreAuthenticationPolicy_CountsEveryRequestOfAnAddress_WhateverItsCredentials()
    {
        await using var host = await Start(c => c
            .Sliding("standard", (100, "01:00:00")).Default("standard")
            .TokenBucket("address", 3, 0.001)
            .Set("PreAuthentication:Policy", "address"));
        var peer = ("X-Test-Peer", "203.0.113.20");

        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/none", peer, ("X-Test-Sub", "usr_1")));
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/none", peer, ("X-Test-Sub", "usr_2")));
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/none", peer));
        using var refused = await host.Client.Get("/none", peer, ("X-Test-Sub", "usr_3"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("\"address\";q=3;w=3000", refused.Header("RateLimit-Policy"));
        Assert.Equal(3, host.Authentications);

        // Another address has its own ceiling; probes are never counted.
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/none", ("X-Test-Peer", "203.0.113.21")));
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/health/live", peer));
    }

    [Fact]
    public async Task Ipv6Clients_OneSlash64SharesOneLimit()
    {
        await using var host = await Start(c => c.TokenBucket("one", 1, 0.001));

        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/one", ("X-Test-Peer", "2001:db8:1:2::1")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await host.Client.Status("/agora/one", ("X-Test-Peer", "2001:db8:1:2:ffff:1:2:3")));
        Assert.Equal(HttpStatusCode.OK, await host.Client.Status("/agora/one", ("X-Test-Peer", "2001:db8:1:3::1")));
    }

    [Fact]
    public async Task CostlyRequest_ChargesItsExtraPermitsToTheSameBudget_OrIsRefusedWithNothingTaken()
    {
        await using var host = await Start(c => c.Sliding("costly", (10, "01:00:00")));

        using var first = await host.Client.Get("/charge/4");
        Assert.Equal("charged", await first.Content.ReadAsStringAsync());
        Assert.Equal("5", first.Header("X-RateLimit-Remaining"));

        using var second = await host.Client.Get("/charge/6");
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("4", second.Header("X-RateLimit-Remaining"));
        Assert.NotNull(second.Header("Retry-After"));

        using var third = await host.Client.Get("/charge/3");
        Assert.Equal("charged", await third.Content.ReadAsStringAsync());
        Assert.Equal("0", third.Header("X-RateLimit-Remaining"));
    }
}

public sealed class LocalPreAuthenticationTests : PreAuthenticationTests
{
    protected override RateLimitStoreKind Store => RateLimitStoreKind.Local;
}

public sealed class RedisPreAuthenticationTests : PreAuthenticationTests
{
    protected override RateLimitStoreKind Store => RateLimitStoreKind.Redis;
}
