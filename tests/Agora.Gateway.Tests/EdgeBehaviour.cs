using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Gateway.Tests.Infrastructure;
using Agora.Hosting;

namespace Agora.Gateway.Tests;

/// <summary>
/// One gateway over three replicas-of-one (catalog, orders, identity stand-ins), as its configuration says: routing,
/// authentication at the edge, transforms, CORS, body limits, deprecation and the error envelope.
/// </summary>
public abstract class EdgeFixture(AgoraMode mode) : IAsyncLifetime
{
    public TestIdentity Identity { get; private set; } = null!;
    public Backend Catalog { get; private set; } = null!;
    public Backend Orders { get; private set; } = null!;
    public Backend Legacy { get; private set; } = null!;
    public GatewayApp App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Identity = await TestIdentity.StartAsync();
        Catalog = await Backend.StartAsync("catalog");
        Orders = await Backend.StartAsync("orders");
        Legacy = await Backend.StartAsync("legacy");
        var now = DateTimeOffset.UtcNow;
        App = new GatewayApp(Identity, mode)
            .Cluster("catalog", [Catalog]).Cluster("orders", [Orders]).Cluster("legacy", [Legacy])
            .Route("products-read", "/api/v1/products/{**rest}", "catalog", methods: ["GET", "HEAD"], metadata: new JsonObject
            {
                ["Deprecation.Date"] = "2026-01-01T00:00:00Z",
                ["Deprecation.Sunset"] = now.AddYears(1).ToString("O"),
                ["Deprecation.Successor"] = "/api/v2/products",
                ["Deprecation.WarnFrom"] = now.AddDays(-1).ToString("O"),
            })
            .Route("products-write", "/api/v1/products/{**rest}", "catalog", "user", ["POST", "PUT", "PATCH", "DELETE"], maxBody: 1024)
            .Route("products-v2", "/api/v2/products/{**rest}", "catalog")
            .Route("orders", "/api/v1/orders/{**rest}", "orders", "user")
            .Route("partners", "/api/v1/partner/{**rest}", "orders", "authenticated")
            .Route("admin-catalog", "/api/v1/admin/catalog/{**rest}", "catalog", "user", transforms: new JsonArray(new JsonObject { ["PathPattern"] = "/api/v1/admin/{**rest}" }))
            .Route("retired", "/api/v0/things/{**rest}", "legacy", metadata: new JsonObject
            {
                ["Deprecation.Date"] = "2024-01-01T00:00:00Z",
                ["Deprecation.Sunset"] = now.AddDays(-1).ToString("O"),
                ["Deprecation.Successor"] = "/api/v1/things",
            });
        Client = App.Start();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await Catalog.DisposeAsync();
        await Orders.DisposeAsync();
        await Legacy.DisposeAsync();
        await Identity.DisposeAsync();
    }
}

public sealed class EmbeddedEdgeFixture() : EdgeFixture(AgoraMode.Embedded);

public sealed class DistributedEdgeFixture() : EdgeFixture(AgoraMode.Distributed);

public abstract class EdgeBehaviour(EdgeFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private static async Task<JsonNode> BodyOfAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static HttpRequestMessage Get(string path, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    [Fact]
    public async Task Routing_PathsGoToTheirClusters()
    {
        var products = await BodyOfAsync(await Client.GetAsync("/api/v1/products?per_page=2"));
        Assert.Equal("catalog", (string?)products["backend"]);
        Assert.Equal("/api/v1/products", (string?)products["path"]);
        Assert.Equal("?per_page=2", fixture.Catalog.Last.Query);

        using var ordersRequest = Get("/api/v1/orders/ord_1", fixture.Identity.Token().Build());
        using var orders = await Client.SendAsync(ordersRequest);
        Assert.Equal("orders", (string?)(await BodyOfAsync(orders))["backend"]);
    }

    [Fact]
    public async Task Routing_AdminPrefix_RewrittenToTheServicesAdminPath()
    {
        using var request = Get("/api/v1/admin/catalog/dead-letters", fixture.Identity.AdminToken());
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/api/v1/admin/dead-letters", (string?)(await BodyOfAsync(response))["path"]);
    }

    [Fact]
    public async Task Routing_NoRoute_404InTheEnvelope()
    {
        using var response = await Client.GetAsync("/api/v1/nowhere");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await BodyOfAsync(response);
        Assert.Equal("NOT_FOUND", (string?)body["error"]!["code"]);
        Assert.False(string.IsNullOrEmpty((string?)body["meta"]!["request_id"]));
    }

    [Fact]
    public async Task Auth_AnonymousRoute_NeedsNoToken()
    {
        using var response = await Client.GetAsync("/api/v1/products");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Auth_UserRoute_WithoutToken_401AtTheEdge_BackendNeverCalled()
    {
        var before = fixture.Orders.Hits;

        using var response = await Client.GetAsync("/api/v1/orders");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("UNAUTHORIZED", (string?)(await BodyOfAsync(response))["error"]!["code"]);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, fixture.Orders.Hits);
    }

    [Fact]
    public async Task Auth_UserRoute_ValidToken_ForwardedWithItsAuthorization()
    {
        var token = fixture.Identity.Token().Subject("usr_edge").Build();

        using var request = Get("/api/v1/orders", token);
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer " + token, fixture.Orders.Last.Headers["Authorization"]);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("forged")]
    [InlineData("wrong-audience")]
    [InlineData("id-token")]
    [InlineData("garbage")]
    public async Task Auth_UserRoute_BadToken_401(string kind)
    {
        var identity = fixture.Identity;
        var token = kind switch
        {
            "expired" => identity.Token().Expires(TimeSpan.FromMinutes(-5)).Build(),
            "forged" => identity.Token().SignedBy(identity.Attacker, keepKid: true).Build(),
            "wrong-audience" => identity.Token().Claim("aud", "somebody-else").Build(),
            "id-token" => identity.Token().HeaderValue("typ", "JWT").Build(),
            _ => "not.a.token",
        };
        var before = fixture.Orders.Hits;

        using var request = Get("/api/v1/orders", token);
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, fixture.Orders.Hits);
    }

    [Fact]
    public async Task Auth_SameTokenTwice_ValidatedOnceThenServedFromCache_StillRefusedOnceExpired()
    {
        // The cache never outlives the token: one that expires in ~5 s (counting the 30 s skew) is refused after that.
        var token = fixture.Identity.Token().Expires(TimeSpan.FromSeconds(-25)).Build();

        using var firstRequest = Get("/api/v1/orders", token);
        using var first = await Client.SendAsync(firstRequest);
        using var secondRequest = Get("/api/v1/orders", token);
        using var second = await Client.SendAsync(secondRequest);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        // The token's lifetime is checked on real time (JwtBearer's clock), so this waits for it to pass: refused within
        // seconds of expiring, well before the cache's own 60 s limit.
        await Poll.UntilAsync(async () =>
        {
            using var thirdRequest = Get("/api/v1/orders", token);
            using var third = await Client.SendAsync(thirdRequest);
            return third.StatusCode;
        }, s => s == HttpStatusCode.Unauthorized, "the expired token refused", TimeSpan.FromSeconds(12), TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task Auth_ApiKeyInTheUrl_400AndNotForwarded()
    {
        var before = fixture.Catalog.Hits;

        using var response = await Client.GetAsync("/api/v1/products?api_key=agk_abcdefgh_secret");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("API_KEY_IN_URL", (string?)(await BodyOfAsync(response))["error"]!["code"]);
        Assert.Equal(before, fixture.Catalog.Hits);
    }

    [Fact]
    public async Task Transforms_HeadersToTheService_ForwardedSetInternalStripped_IdsCarried()
    {
        using var request = Get("/api/v1/products/prd_1");
        request.Headers.Add("X-Request-ID", "edge-req-1");
        request.Headers.Add("X-Correlation-ID", "edge-corr-1");
        request.Headers.Add("X-Forwarded-For", "6.6.6.6");
        request.Headers.Add("X-Agora-Internal", "spoofed");
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = fixture.Catalog.Last.Headers;
        Assert.Equal("edge-req-1", seen["X-Request-ID"]);
        Assert.Equal("edge-corr-1", seen["X-Correlation-ID"]);
        Assert.Equal("127.0.0.1", seen["X-Forwarded-For"]);
        Assert.Equal("http", seen["X-Forwarded-Proto"]);
        Assert.Equal(fixture.App.Address.Authority, seen["X-Forwarded-Host"]);
        Assert.False(seen.ContainsKey("X-Agora-Internal"));
        Assert.True(seen["traceparent"].StartsWith("00-0af7651916cd43dd8448eb211c80319c-", StringComparison.Ordinal), seen["traceparent"]);
        Assert.DoesNotContain("b7ad6b7169203331", seen["traceparent"], StringComparison.Ordinal);

        Assert.Equal(["edge-req-1"], response.Headers.GetValues("X-Request-ID"));
        Assert.Equal(["edge-corr-1"], response.Headers.GetValues("X-Correlation-ID"));
        Assert.False(response.Headers.Contains("Server"));
        Assert.False(response.Headers.Contains("X-Powered-By"));
    }

    [Fact]
    public async Task Transforms_NoRequestId_GatewayGeneratesOneAndTheServiceGetsIt()
    {
        using var response = await Client.GetAsync("/api/v1/products");

        var id = Assert.Single(response.Headers.GetValues("X-Request-ID"));
        Assert.Equal(id, fixture.Catalog.Seen.Last(s => s.Path == "/api/v1/products").Headers["X-Request-ID"]);
        Assert.True(fixture.Catalog.Last.Headers.ContainsKey("traceparent"));
    }

    [Fact]
    public async Task Cors_ConfiguredOrigin_PreflightAllowed_OtherOriginNot()
    {
        using var allowed = new HttpRequestMessage(HttpMethod.Options, "/api/v1/orders");
        allowed.Headers.Add("Origin", "http://shop.test");
        allowed.Headers.Add("Access-Control-Request-Method", "POST");
        allowed.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var ok = await Client.SendAsync(allowed);
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal("http://shop.test", ok.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var other = new HttpRequestMessage(HttpMethod.Options, "/api/v1/orders");
        other.Headers.Add("Origin", "http://evil.test");
        other.Headers.Add("Access-Control-Request-Method", "POST");
        using var refused = await Client.SendAsync(other);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));

        using var simple = new HttpRequestMessage(HttpMethod.Get, "/api/v1/products");
        simple.Headers.Add("Origin", "http://shop.test");
        using var answered = await Client.SendAsync(simple);
        Assert.Equal("http://shop.test", answered.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("X-Request-ID", answered.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task BodyLimit_OverTheRoutesLimit_413InTheEnvelope_NotForwarded()
    {
        var before = fixture.Catalog.Hits;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/products")
        {
            Content = new StringContent("{\"name\":\"" + new string('x', 4096) + "\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Identity.AdminToken());

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("PAYLOAD_TOO_LARGE", (string?)(await BodyOfAsync(response))["error"]!["code"]);
        Assert.Equal(before, fixture.Catalog.Hits);
    }

    [Fact]
    public async Task BodyLimit_WithinTheLimit_Forwarded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/products")
        {
            Content = new StringContent("{\"name\":\"small\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Identity.AdminToken());

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(16, fixture.Catalog.Seen.Last(s => s.Method == "POST").BodyLength);
    }

    [Fact]
    public async Task Deprecation_DeprecatedRoute_HeadersAndWarning()
    {
        using var response = await Client.GetAsync("/api/v1/products");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("@" + DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds(),
            response.Headers.GetValues("Deprecation").Single());
        Assert.EndsWith("GMT", response.Headers.GetValues("Sunset").Single(), StringComparison.Ordinal);
        Assert.Equal("</api/v2/products>; rel=\"successor-version\"", response.Headers.GetValues("Link").Single());
        Assert.StartsWith("299 - \"Deprecated API", response.Headers.GetValues("Warning").Single(), StringComparison.Ordinal);

        using var v2 = await Client.GetAsync("/api/v2/products");
        Assert.False(v2.Headers.Contains("Deprecation"));
        Assert.False(v2.Headers.Contains("Sunset"));
    }

    [Fact]
    public async Task Deprecation_AfterSunset_410GoneInTheEnvelope_NotForwarded()
    {
        using var response = await Client.GetAsync("/api/v0/things/1");

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        var body = await BodyOfAsync(response);
        Assert.Equal("API_VERSION_RETIRED", (string?)body["error"]!["code"]);
        Assert.Contains("/api/v1/things", (string?)body["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal("</api/v1/things>; rel=\"successor-version\"", response.Headers.GetValues("Link").Single());
        Assert.Equal(0, fixture.Legacy.Hits);
    }
}

[Collection("edge-embedded")]
public sealed class EmbeddedEdgeTests(EmbeddedEdgeFixture fixture) : EdgeBehaviour(fixture), IClassFixture<EmbeddedEdgeFixture>;

[Collection("edge-distributed")]
public sealed class DistributedEdgeTests(DistributedEdgeFixture fixture) : EdgeBehaviour(fixture), IClassFixture<DistributedEdgeFixture>;
