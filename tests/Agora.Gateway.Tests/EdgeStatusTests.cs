using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Gateway.Tests.Infrastructure;

namespace Agora.Gateway.Tests;

/// <summary>
/// <c>GET /api/v1/admin/edge</c> (issue 15, the staff console's edge page): staff only, and what it says is what the edge
/// did: a breaker opened by a failing service, a canary's split, a deprecated route's phase, and a consumer refused by the
/// rate limit, each caused by real requests through a real gateway to real backends.
/// </summary>
[Collection("resilience")]
public sealed class EdgeStatusTests : GatewayScenario
{
    private const string Path = "/api/v1/admin/edge";

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(HttpClient client, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static GatewayApp RateLimited(GatewayApp gateway, int limit)
    {
        gateway.Config["Agora"]!["RateLimiting"] = new JsonObject
        {
            ["DefaultPolicy"] = "standard",
            ["Policies"] = new JsonObject
            {
                ["standard"] = new JsonObject
                {
                    ["Algorithm"] = "SlidingWindow",
                    ["Windows"] = new JsonArray(new JsonObject { ["Limit"] = limit, ["Window"] = "01:00:00" }),
                },
            },
        };
        return gateway;
    }

    [Fact]
    public async Task Anonymous401_Customer403_AdminWithoutTheScope403()
    {
        var backend = await BackendAsync("svc");
        var gateway = Gateway().Cluster("svc", [backend]).Route("r", "/api/v1/things/{**rest}", "svc");
        using var client = gateway.Start();

        var (anonymous, anonymousBody) = await GetAsync(client, Path, null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal("UNAUTHORIZED", (string?)anonymousBody!["error"]!["code"]);

        var customer = gateway.Identity.Token().Subject("usr_customer").Scope("read:orders admin:ops").Build();
        var (refused, refusedBody) = await GetAsync(client, Path, customer);
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal("FORBIDDEN", (string?)refusedBody!["error"]!["code"]);

        var adminWithoutScope = gateway.Identity.Token().Subject("usr_admin").Roles("admin").Scope("read:orders").Build();
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(client, Path, adminWithoutScope)).Status);
    }

    [Fact]
    public async Task Staff_SeeTheBreakerAFailingServiceOpened_TheCanarySplit_AndTheDeprecationPhase()
    {
        var (stable, canary, failing) = (await BackendAsync("stable"), await BackendAsync("canary"), await BackendAsync("failing"));
        var now = DateTimeOffset.UtcNow;
        var gateway = Gateway()
            .Cluster("shop", [stable]).Cluster("shop-canary", [canary]).Cluster("broken", [failing])
            .Route("shop", "/api/v1/shop/{**rest}", "shop", metadata: new JsonObject { ["Canary.Cluster"] = "shop-canary", ["Canary.Weight"] = "25" })
            .Route("broken", "/api/v1/broken/{**rest}", "broken")
            .Route("old", "/api/v0/shop/{**rest}", "shop", metadata: new JsonObject
            {
                ["Deprecation.Date"] = now.AddDays(-30).ToString("O"),
                ["Deprecation.WarnFrom"] = now.AddDays(-1).ToString("O"),
                ["Deprecation.Sunset"] = now.AddDays(60).ToString("O"),
                ["Deprecation.Successor"] = "/api/v1/shop",
            });
        gateway.Resilience["BreakDuration"] = "00:05:00";
        using var client = gateway.Start();
        var staff = gateway.Identity.Token().Subject("usr_staff").Roles("admin").Scope("admin:ops").Build();

        // Before anything failed: closed.
        var (status, before) = await GetAsync(client, Path, staff);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("closed", (string?)Cluster(before!, "broken")["breaker"]);

        failing.Failing = true;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, await PostAsync(client, "/api/v1/broken/x"));
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await PostAsync(client, "/api/v1/broken/x"));
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await PostAsync(client, "/api/v1/shop/x"));
        }

        var (okStatus, after) = await GetAsync(client, Path, staff);
        Assert.Equal(HttpStatusCode.OK, okStatus);
        var broken = Cluster(after!, "broken");
        Assert.Equal("open", (string?)broken["breaker"]);
        Assert.True((double)broken["breaker_retry_after_seconds"]! > 0);
        Assert.Equal(1, (int)broken["replicas"]!);
        Assert.Equal("closed", (string?)Cluster(after!, "shop")["breaker"]);

        var split = Assert.Single(after!["data"]!["canaries"]!.AsArray())!;
        Assert.Equal(("shop", "shop-canary", 25.0), ((string?)split["stable_cluster"], (string?)split["canary_cluster"], (double)split["weight_percent"]!));
        Assert.Equal((6L, 2L), ((long)split["served_stable"]!, (long)split["served_canary"]!));
        Assert.Equal((6, 2), (stable.Hits, canary.Hits));

        var old = Assert.Single(after!["data"]!["deprecations"]!.AsArray())!;
        Assert.Equal(("old", "warning", "/api/v1/shop"), ((string?)old["route"], (string?)old["phase"], (string?)old["successor"]));
    }

    [Fact]
    public async Task ARateLimitedConsumer_TopsTheList_WithItsRefusals()
    {
        var backend = await BackendAsync("svc");
        var gateway = RateLimited(Gateway().Cluster("svc", [backend]).Route("r", "/api/v1/things/{**rest}", "svc"), limit: 5);
        using var client = gateway.Start();
        var flood = gateway.Identity.Token().Subject("usr_flood").Build();
        var calm = gateway.Identity.Token().Subject("usr_calm").Build();
        var staff = gateway.Identity.Token().Subject("usr_staff").Roles("admin").Scope("admin:ops").Build();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 9; i++)
        {
            statuses.Add(await PostAsync(client, "/api/v1/things/x", flood));
        }

        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        for (var i = 0; i < 6; i++)
        {
            await PostAsync(client, "/api/v1/things/x", calm);
        }

        var (status, body) = await GetAsync(client, Path + "?top=5", staff);
        Assert.Equal(HttpStatusCode.OK, status);
        var top = body!["data"]!["rate_limited"]!.AsArray();
        Assert.Equal(2, top.Count);
        Assert.Equal(("sub:usr_flood", 4L, "standard"), ((string?)top[0]!["consumer"], (long)top[0]!["rejections"]!, (string?)top[0]!["policy"]));
        Assert.Equal(("sub:usr_calm", 1L), ((string?)top[1]!["consumer"], (long)top[1]!["rejections"]!));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await GetAsync(client, Path + "?top=0", staff)).Status);
    }

    private static JsonNode Cluster(JsonNode report, string id) =>
        report["data"]!["clusters"]!.AsArray().Single(c => (string?)c!["cluster"] == id)!;
}
