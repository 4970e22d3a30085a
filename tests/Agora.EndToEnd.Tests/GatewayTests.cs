using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Agora.EndToEnd.Tests;

/// <summary>The shop through its one door, the gateway on 8080, to the real services the AppHost runs.</summary>
public abstract class GatewayTests(AppHostFixture fixture) : IDisposable
{
    private readonly HttpClient _gateway = fixture.CreateClient("gateway");

    public void Dispose()
    {
        _gateway.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Gateway_CatalogueRead_AnonymousWithDeprecationHeadersAndOurRequestId()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/products?per_page=3");
        request.Headers.Add("X-Request-ID", "e2e-gateway-1");

        using var response = await _gateway.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonNode.Parse(text)!;
        Assert.Equal(3, body["data"]!.AsArray().Count);
        Assert.Equal("e2e-gateway-1", (string?)body["meta"]!["request_id"]);
        Assert.Equal(["e2e-gateway-1"], response.Headers.GetValues("X-Request-ID"));
        Assert.True(response.Headers.Contains("Deprecation"));
        Assert.True(response.Headers.Contains("Sunset"));
        Assert.Contains("rel=\"successor-version\"", string.Join(",", response.Headers.GetValues("Link")), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Gateway_GraphQL_ResolvesProductsWithTheirCategories_ThroughTheServices()
    {
        using var query = new StringContent(
            new JsonObject { ["query"] = "{ products(limit: 3) { total items { id name category { id name } } } }" }.ToJsonString(),
            System.Text.Encoding.UTF8, "application/json");
        using var response = await _gateway.PostAsync(new Uri("/graphql", UriKind.Relative), query);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonNode.Parse(text)!;
        Assert.True(body["errors"] is null, text);
        var products = body["data"]!["products"]!["items"]!.AsArray();
        Assert.Equal(3, products.Count);
        Assert.All(products, p => Assert.StartsWith("cat_", (string?)p!["category"]!["id"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gateway_RateLimits_EveryConsumer_AndSaysSoInTheHeaders()
    {
        // Catalogue reads use the token bucket (capacity 100, 10/s), per client address.
        using var first = await _gateway.GetAsync(new Uri("/api/v1/categories", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(["100"], first.Headers.GetValues("X-RateLimit-Limit"));
        var remaining = int.Parse(first.Headers.GetValues("X-RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(first.Headers.Contains("RateLimit-Policy") && first.Headers.Contains("RateLimit"));

        // Far faster than the refill: the bucket runs dry and the gateway answers 429 in the envelope. Requests go in
        // concurrent bursts, so a slow (loaded) machine still outruns the 10/s refill; it stops at the first 429.
        HttpResponseMessage? limited = null;
        for (var sent = 0; sent < 10 * (remaining + 20) && limited is null; sent += 25)
        {
            var burst = await Task.WhenAll(Enumerable.Range(0, 25)
                .Select(_ => _gateway.GetAsync(new Uri("/api/v2/products?per_page=1", UriKind.Relative))));
            limited = burst.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            foreach (var response in burst.Where(r => !ReferenceEquals(r, limited)))
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
        Assert.Equal("RATE_LIMITED", (string?)JsonNode.Parse(await limited.Content.ReadAsStringAsync())!["error"]!["code"]);
        limited.Dispose();

        // The tests that follow share this client address's bucket: wait until it has refilled (10/s).
        await Poll.UntilAsync(async () =>
        {
            using var probe = await _gateway.GetAsync(new Uri("/api/v1/categories", UriKind.Relative));
            return probe.StatusCode == HttpStatusCode.OK
                ? int.Parse(probe.Headers.GetValues("X-RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture)
                : 0;
        }, left => left >= 90, "the rate-limit bucket refilled", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Gateway_ProductsV2_ServesTheNewShape()
    {
        using var response = await _gateway.GetAsync(new Uri("/api/v2/products?per_page=2", UriKind.Relative));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var first = JsonNode.Parse(text)!["data"]!.AsArray()[0]!;
        Assert.StartsWith("prd_", (string?)first["id"], StringComparison.Ordinal);
        Assert.NotNull(first["pricing"]);
        Assert.False(response.Headers.Contains("Deprecation"));
    }

    [Fact]
    public async Task Gateway_Orders_NeedATokenAtTheEdge_AndServeTheSignedInCustomer()
    {
        using var anonymous = await _gateway.GetAsync(new Uri("/api/v1/orders", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("UNAUTHORIZED", (string?)JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())!["error"]!["code"]);

        using var customer = await ShopClient.RegisterAsync(fixture);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/orders");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", customer.Token);
        using var response = await _gateway.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
    }

    [Fact]
    public async Task Gateway_OAuthTokenEndpoint_RoutedToIdentity()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "agora-scripts", ["client_secret"] = "agora-scripts-secret", ["scope"] = "write:catalog",
        });
        using var response = await _gateway.PostAsync(new Uri("/connect/token", UriKind.Relative), form);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(3, ((string)JsonNode.Parse(text)!["access_token"]!).Split('.').Length);
    }

    [Fact]
    public async Task Gateway_PartnerApiKey_IssuedThroughTheGateway_IsAcceptedAtTheEdge_UntilRevoked()
    {
        using var admin = await ShopClient.SignInAsStaffAsync(fixture, "openid profile roles admin:ops");
        var (status, created, _) = await admin.SendAsync(HttpMethod.Post, "gateway", "/api/v1/api-keys",
            new JsonObject { ["name"] = "e2e partner", ["scopes"] = new JsonArray("read:catalog") });
        Assert.True(status == HttpStatusCode.Created, created.ToJsonString());
        var key = (string)created["data"]!["key"]!;

        using var good = new HttpRequestMessage(HttpMethod.Get, "/api/v1/products?per_page=1");
        good.Headers.Add("X-API-Key", key);
        using var accepted = await _gateway.SendAsync(good);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        using var bad = new HttpRequestMessage(HttpMethod.Get, "/api/v1/products?per_page=1");
        bad.Headers.Add("X-API-Key", key[..^4] + "AAAA");
        using var refused = await _gateway.SendAsync(bad);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("INVALID_API_KEY", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!["code"]);
    }

    [Fact]
    public async Task Gateway_Docs_ServeEachServicesOpenApiDocument()
    {
        using var catalog = await _gateway.GetAsync(new Uri("/docs/openapi/catalog.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
        Assert.NotNull(JsonNode.Parse(await catalog.Content.ReadAsStringAsync())!["openapi"]);

        using var ui = await _gateway.GetAsync(new Uri("/docs/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("openapi/catalog.json", await ui.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_UnknownRoute_404InTheEnvelope()
    {
        using var response = await _gateway.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NOT_FOUND", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]);
    }
}

[Collection(AppHostCollection.Name)]
public sealed class EmbeddedGatewayTests(EmbeddedAppHostFixture fixture) : GatewayTests(fixture);

[Collection(DistributedAppHostCollection.Name)]
public sealed class DistributedGatewayTests(DistributedAppHostFixture fixture) : GatewayTests(fixture);
