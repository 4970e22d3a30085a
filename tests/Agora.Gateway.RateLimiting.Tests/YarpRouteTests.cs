using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace Agora.Gateway.RateLimiting.Tests;

/// <summary>
/// The wiring the gateway uses: YARP routes naming a policy with <c>RateLimiterPolicy</c> (YARP validates the name
/// against ASP.NET's rate limiter options, where <c>AddAgoraRateLimiting</c> registers it), proxied to a real backend.
/// </summary>
[Collection("local")]
public sealed class YarpRouteTests
{
    [Fact]
    public async Task YarpRoute_WithRateLimiterPolicy_IsLimitedByThatPolicy_OthersByTheDefault()
    {
        await using var backend = await StartBackendAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new LimiterConfig(RateLimitStoreKind.Local)
            .TokenBucket("orders", 2, 0.01)
            .TokenBucket("catalog", 3, 0.01)
            .Default("catalog")
            .Build());
        builder.Services.AddAgoraRateLimiting(builder.Configuration); // the root works as well as the section
        var destination = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = backend.Urls.First() } };
        builder.Services.AddReverseProxy().LoadFromMemory(
            [
                new RouteConfig { RouteId = "orders", ClusterId = "backend", RateLimiterPolicy = "orders", Match = new() { Path = "/api/v1/orders/{**rest}" } },
                new RouteConfig { RouteId = "products", ClusterId = "backend", Match = new() { Path = "/api/v1/products/{**rest}" } },
                new RouteConfig { RouteId = "health", ClusterId = "backend", RateLimiterPolicy = "Disable", Match = new() { Path = "/health/{**rest}" } },
            ],
            [new ClusterConfig { ClusterId = "backend", Destinations = destination }]);
        await using var gateway = builder.Build();
        gateway.UseAgoraRateLimiting();
        gateway.MapReverseProxy();
        await gateway.StartAsync();
        using var client = gateway.GetTestClient();

        using (var first = await client.Get("/api/v1/orders/ord_1"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("backend", await first.Content.ReadAsStringAsync());
            Assert.Equal("2", first.Header("X-RateLimit-Limit"));
            Assert.Equal("\"orders\";q=2;w=200", first.Header("RateLimit-Policy"));
        }

        Assert.Equal(HttpStatusCode.OK, await client.Status("/api/v1/orders/ord_2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await client.Status("/api/v1/orders/ord_3"));

        using (var product = await client.Get("/api/v1/products/prd_1"))
        {
            Assert.Equal("3", product.Header("X-RateLimit-Limit"));
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await client.Status("/health/ready"));
        }

        await gateway.StopAsync();
    }

    private static async Task<WebApplication> StartBackendAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/{**path}", () => "backend");
        await app.StartAsync();
        return app; // app.Urls now holds the port Kestrel chose

    }
}
