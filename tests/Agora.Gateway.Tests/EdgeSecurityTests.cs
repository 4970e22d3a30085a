extern alias gateway;
extern alias identity;

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Gateway.Tests.Infrastructure;
using Agora.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ApiKey = identity::Agora.Identity.Infrastructure.ApiKey;
using ApiKeyVerifier = gateway::Agora.Gateway.Features.Auth.ApiKeyVerifier;
using IdentityDb = identity::Agora.Identity.Infrastructure.IdentityDbContext;

namespace Agora.Gateway.Tests;

/// <summary>
/// The real Identity (its key store, its verify endpoint) and two stand-in backends, shared by the edge-security tests;
/// each test starts a gateway of its own with the settings it is about. Every call the gateway makes to Identity goes
/// through <see cref="IdentityCalls"/>, which counts key verifications and can hold back the ones for unknown keys
/// (an Identity struggling under a flood).
/// </summary>
public sealed class EdgeSecurityFixture : IAsyncLifetime
{
    public ServiceApp<identity::Program> IdentityService { get; private set; } = null!;
    public TestIdentity Tokens { get; private set; } = null!;
    public Backend Catalog { get; private set; } = null!;
    public Backend Ordering { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The demo client (agora-scripts) exists, and its published secret is accepted, in the Development environment only.
        IdentityService = new ServiceApp<identity::Program>("identity", AgoraMode.Embedded);
        IdentityService.With("environment", "Development");
        _ = IdentityService.Server;
        Tokens = await TestIdentity.StartAsync();
        Catalog = await Backend.StartAsync("catalog");
        Ordering = await Backend.StartAsync("ordering");

        // Identity's first token and verification (JIT, OpenIddict, a cold database) can outlast the gateway's 2 s attempt
        // timeout on a loaded machine (503): warmed up here, before any test counts calls.
        using var calls = new IdentityCalls(this);
        await using var warm = StartGateway(calls, limit: 1000);
        var (_, key) = await CreateKeyAsync("read:catalog");
        await Poll.UntilAsync(() => warm.StatusAsync("/api/v1/products", "192.0.2.254", key), s => s == HttpStatusCode.OK,
            "Identity answering the gateway", TimeSpan.FromSeconds(60));
    }

    /// <summary>A gateway over this fixture's Identity and backends: rate limits per hour (nothing refills during a test),
    /// loopback trusted as a proxy so <c>X-Forwarded-For</c> names the client address.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The app and its client are handed to the EdgeGateway returned, which disposes both.")]
    public EdgeGateway StartGateway(IdentityCalls calls, int limit = 20, Action<GatewayApp>? configure = null, int? managementPort = null)
    {
        var app = new GatewayApp(Tokens, managementPort: managementPort)
            .Cluster("catalog", [Catalog]).Cluster("ordering", [Ordering])
            .Route("products", "/api/v1/products/{**rest}", "catalog")
            .Route("partner", "/api/v1/partner/{**rest}", "catalog", "authenticated")
            .Route("orders", "/api/v1/orders/{**rest}", "ordering", "user")
            .Route("raw", "/raw/catalog/{**rest}", "catalog", transforms: new JsonArray(new JsonObject { ["PathPattern"] = "/{**rest}" }))
            .With("Gateway:ApiKeys:IdentityUrl", "http://identity.test/")
            .With("Gateway:ApiKeys:ClientId", "agora-scripts")
            .With("Gateway:ApiKeys:ClientSecret", "agora-scripts-secret")
            .With("environment", "Development")
            .With("Agora:Services:ordering:Http", Ordering.Address)
            .WithServices(s => s.AddHttpClient<ApiKeyVerifier>().ConfigurePrimaryHttpMessageHandler(() => calls));
        app.Config["Agora"]!["RateLimiting"] = new JsonObject
        {
            ["DefaultPolicy"] = "standard",
            ["TrustedProxies"] = new JsonArray("127.0.0.1"),
            ["Policies"] = new JsonObject
            {
                ["standard"] = new JsonObject
                {
                    ["Algorithm"] = "SlidingWindow",
                    ["Windows"] = new JsonArray(new JsonObject { ["Limit"] = limit, ["Window"] = "01:00:00" }),
                },
            },
        };
        configure?.Invoke(app);
        var client = app.Start();
        return new EdgeGateway(app, client);
    }

    /// <summary>Creates a key in Identity's store the way Identity does (only the SHA-256 kept); returns (id, key).</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(params string[] scopes)
    {
        var key = RandomKey();
        var prefix = key.Substring(4, 8);
        var id = "key_" + Guid.NewGuid().ToString("N");
        using var scope = IdentityService.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        db.Set<ApiKey>().Add(new ApiKey
        {
            Id = id, Name = "Partner " + id[^6..], Prefix = prefix, Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
            Scopes = string.Join(' ', scopes), CreatedAt = DateTime.UtcNow, CreatedBy = "usr_test",
        });
        await db.SaveChangesAsync();
        return (id, key);
    }

    /// <summary>A well-formed key nobody issued (<c>agk_&lt;prefix8&gt;_&lt;secret43&gt;</c>, the secret starting with the prefix).</summary>
    public static string RandomKey(string? prefix = null)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        if (prefix is not null)
        {
            secret = prefix + secret[8..];
        }

        return $"agk_{secret[..8]}_{secret}";
    }

    public static HttpRequestMessage Get(string path, string? from = null, string? key = null, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (from is not null)
        {
            request.Headers.Add("X-Forwarded-For", from);
        }

        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    public async Task DisposeAsync()
    {
        await Catalog.DisposeAsync();
        await Ordering.DisposeAsync();
        await Tokens.DisposeAsync();
        await IdentityService.DisposeAsync();
    }
}

/// <summary>One test's gateway and its client.</summary>
public sealed class EdgeGateway(GatewayApp app, HttpClient client) : IAsyncDisposable
{
    public GatewayApp App { get; } = app;
    public HttpClient Client { get; } = client;

    /// <summary>The status of a GET (see <see cref="EdgeSecurityFixture.Get"/>).</summary>
    public async Task<HttpStatusCode> StatusAsync(string path, string? from = null, string? key = null, string? token = null)
    {
        using var request = EdgeSecurityFixture.Get(path, from, key, token);
        using var response = await Client.SendAsync(request);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>
/// The gateway's way to Identity: into its TestServer, counting each <c>/api/v1/api-keys/verify</c> by key. While
/// <see cref="HoldUnknownKeys"/> is set, verifications of keys other than <see cref="Partners"/> wait for it to be released.
/// </summary>
public sealed class IdentityCalls(EdgeSecurityFixture fixture) : DelegatingHandler
{
    private readonly ConcurrentQueue<string> _verified = new();

    public IReadOnlyList<string> Verified => [.. _verified];

    public int VerificationsOf(string key) => _verified.Count(k => k == key);

    public ConcurrentDictionary<string, bool> Partners { get; } = new();

    public TaskCompletionSource? HoldUnknownKeys { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        InnerHandler ??= fixture.IdentityService.Server.CreateHandler();
        if (request.RequestUri!.AbsolutePath == "/api/v1/api-keys/verify")
        {
            var key = request.Headers.TryGetValues("X-API-Key", out var values) ? values.Single() : "";
            _verified.Enqueue(key);
            if (HoldUnknownKeys is { } hold && !Partners.ContainsKey(key))
            {
                // A hung Identity: it does not even notice the caller giving up.
                await hold.Task;
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Issue 11, items 6, 7 and 8 at the edge: invalid credentials are rate limited by address (before authentication as well
/// as after), a flood of made-up API keys neither reaches Identity once per key nor pushes a partner out of the cache or
/// into 503s, a GraphQL document's cost is charged to the caller's limit, every answer carries the security headers, and
/// <c>/metrics</c> and the detailed readiness are for staff only.
/// </summary>
[Collection("edge-security")]
public sealed class EdgeSecurityTests(EdgeSecurityFixture fixture) : IClassFixture<EdgeSecurityFixture>
{
    private static string Address(int n) => $"203.0.113.{n}";

    private static async Task<string?> CodeOfAsync(HttpResponseMessage response) =>
        (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]?["code"];

    [Fact]
    public async Task RandomApiKeys_FromOneAddress_Get429AfterTheAddressLimit_LikeAnonymousRequests()
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls, limit: 20);

        var anonymous = new List<HttpStatusCode>();
        var randomKeys = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            anonymous.Add(await gateway.StatusAsync("/api/v1/products", Address(1)));
            randomKeys.Add(await gateway.StatusAsync("/api/v1/products", Address(2), EdgeSecurityFixture.RandomKey()));
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 20).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 10)), anonymous);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 20).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 10)), randomKeys);
    }

    [Fact]
    public async Task InvalidBearerTokens_FromOneAddress_Get429AfterTheAddressLimit()
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls, limit: 20);
        var forged = fixture.Tokens.Token().SignedBy(fixture.Tokens.Attacker, keepKid: true).Build();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            statuses.Add(await gateway.StatusAsync("/api/v1/orders", Address(3), token: i % 2 == 0 ? forged : "not.a.token"));
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 20).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 10)), statuses);
        using var okRequest = EdgeSecurityFixture.Get("/api/v1/orders", Address(3), token: fixture.Tokens.Token().Build());
        using var ok = await gateway.Client.SendAsync(okRequest);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode); // a valid token counts against its subject, not the address
    }

    [Fact]
    public async Task RandomApiKeyFlood_FromOneAddress_AsksIdentityNoMoreThanTheAddressLimit()
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls, limit: 20);

        for (var i = 0; i < 200; i++)
        {
            await gateway.StatusAsync("/api/v1/products", Address(4), EdgeSecurityFixture.RandomKey());
        }

        Assert.InRange(calls.Verified.Count, 1, 20);
    }

    [Fact]
    public async Task ApiKeysSharingAPrefix_FromManyAddresses_AskIdentityOnceWhileTheNegativeCacheHolds()
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls, configure: g => g.With("Gateway:ApiKeys:NegativeCacheDuration", "00:05:00"));
        const string Prefix = "Zz9-Yy8_";

        for (var i = 0; i < 60; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized,
                await gateway.StatusAsync("/api/v1/products", Address(10 + i), EdgeSecurityFixture.RandomKey(Prefix)));
        }

        Assert.Single(calls.Verified);
    }

    [Fact]
    public async Task NegativePrefixCache_ARealKeyIssuedAfterwards_WorksOnceItLapses()
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls, configure: g => g.With("Gateway:ApiKeys:NegativeCacheDuration", "00:00:01"));
        var (_, real) = await fixture.CreateKeyAsync("read:catalog");
        var forged = real[..^6] + "AAAAAA"; // same prefix, wrong secret: what a guesser of that key sends

        Assert.Equal(HttpStatusCode.Unauthorized, await gateway.StatusAsync("/api/v1/partner/feed", Address(80), forged));

        // Every 250 ms: each refusal while the entry holds (1 s) counts against the address's 20 per hour, and at 50 ms
        // the address could use them all up before the entry lapses (then 429, however valid the key).
        await Poll.UntilAsync(
            () => gateway.StatusAsync("/api/v1/partner/feed", Address(81), real),
            s => s == HttpStatusCode.OK, "the real key accepted once the negative entry lapsed", interval: TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task RandomApiKeyFlood_DoesNotEvictAPartnersCachedKey()
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls, configure: g => g
            .With("Gateway:ApiKeys:MaxCachedKeys", "50")
            .With("Gateway:ApiKeys:CacheDuration", "00:10:00"));
        var (_, partner) = await fixture.CreateKeyAsync("read:catalog");
        Assert.Equal(HttpStatusCode.OK, await gateway.StatusAsync("/api/v1/partner/feed", Address(90), partner));

        for (var i = 0; i < 120; i++)
        {
            await gateway.StatusAsync("/api/v1/products", $"198.51.100.{i + 1}", EdgeSecurityFixture.RandomKey());
        }

        Assert.Equal(HttpStatusCode.OK, await gateway.StatusAsync("/api/v1/partner/feed", Address(90), partner));
        Assert.Equal(1, calls.VerificationsOf(partner));
    }

    [Fact]
    public async Task FakeApiKeyFlood_WhileIdentityStruggles_PartnersAreStillServed_No503()
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls, limit: 1000, configure: g => g
            .With("Gateway:ApiKeys:CacheDuration", "00:00:00"));
        var (_, partner) = await fixture.CreateKeyAsync("read:catalog");
        calls.Partners[partner] = true;
        Assert.Equal(HttpStatusCode.OK, await gateway.StatusAsync("/api/v1/partner/feed", Address(100), partner));

        // Made-up keys from 250 addresses at once, and Identity hangs on them: whatever waits for it waits until the end.
        calls.HoldUnknownKeys = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flood = Enumerable.Range(0, 300)
            .Select(i => gateway.StatusAsync("/api/v1/products", $"192.0.2.{(i % 250) + 1}", EdgeSecurityFixture.RandomKey()))
            .ToList();
        await Poll.UntilAsync(() => Task.FromResult(flood.Count(t => t.IsCompleted)), n => n >= 100, "the flood settling (held or refused)");

        try
        {
            var partnerStatuses = new List<HttpStatusCode>();
            for (var i = 0; i < 5; i++)
            {
                // No positive cache in this gateway: each request asks Identity about the partner's key again.
                partnerStatuses.Add(await gateway.StatusAsync("/api/v1/partner/feed", Address(100), partner));
            }

            Assert.All(partnerStatuses, s => Assert.Equal(HttpStatusCode.OK, s));
        }
        finally
        {
            calls.HoldUnknownKeys.TrySetResult();
            await Task.WhenAll(flood);
        }
    }

    [Fact]
    public async Task GraphQL_DocumentCost_IsChargedToTheCallersRateLimit()
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls, limit: 30);
        static string Orders(int n) => "{ " + string.Join(" ", Enumerable.Range(0, n).Select(i => $"o{i}: order(id: \"ord_{i}\") {{ id }}")) + " }";

        using var first = await PostGraphQLAsync(gateway, Orders(5), Address(120));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("25", first.Headers.GetValues("X-RateLimit-Remaining").Single());

        using var second = await PostGraphQLAsync(gateway, Orders(15), Address(120));
        Assert.Equal("10", second.Headers.GetValues("X-RateLimit-Remaining").Single());

        // 15 more than the 10 left: refused before anything runs, in GraphQL's error format.
        var before = fixture.Ordering.Hits;
        using var third = await PostGraphQLAsync(gateway, Orders(15), Address(120));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var body = JsonNode.Parse(await third.Content.ReadAsStringAsync())!;
        Assert.Null(body["data"]);
        Assert.Equal("RATE_LIMITED", (string?)body["errors"]![0]!["extensions"]!["code"]);
        Assert.Equal(before, fixture.Ordering.Hits);
    }

    private static async Task<HttpResponseMessage> PostGraphQLAsync(EdgeGateway gateway, string query, string from)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Forwarded-For", from);
        return await gateway.Client.SendAsync(request);
    }

    [Theory]
    [InlineData("/api/v1/products")]
    [InlineData("/api/v1/orders")]
    [InlineData("/api/v1/nowhere")]
    [InlineData("/graphql")]
    public async Task EveryAnswer_CarriesTheSecurityHeaders(string path)
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls);

        using var request = EdgeSecurityFixture.Get(path, Address(130));
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docs_CarryAPolicyThatLetsTheDocsPageRun_AndStayPublic()
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls);

        using var pageRequest = EdgeSecurityFixture.Get("/docs/", Address(131));
        using var page = await gateway.Client.SendAsync(pageRequest);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AtTheEdge_OnlyForStaff()
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls);
        var tokens = fixture.Tokens;

        using var anonymousRequest = EdgeSecurityFixture.Get("/metrics", Address(140));
        using var anonymous = await gateway.Client.SendAsync(anonymousRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("UNAUTHORIZED", await CodeOfAsync(anonymous));

        var customer = tokens.Token().Scope("read:orders admin:ops").Build();
        var adminWithoutScope = tokens.Token().Roles("admin").Scope("read:orders").Build();
        foreach (var token in new[] { customer, adminWithoutScope })
        {
            using var refusedRequest = EdgeSecurityFixture.Get("/metrics", Address(140), token: token);
            using var refused = await gateway.Client.SendAsync(refusedRequest);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("FORBIDDEN", await CodeOfAsync(refused));
        }

        var (_, key) = await fixture.CreateKeyAsync("read:catalog");
        Assert.Equal(HttpStatusCode.Unauthorized, await gateway.StatusAsync("/metrics", Address(140), key));

        var staff = tokens.Token().Roles("admin").Scope("admin:ops").Build();
        using var scrapeRequest = EdgeSecurityFixture.Get("/metrics", Address(140), token: staff);
        using var scrape = await gateway.Client.SendAsync(scrapeRequest);
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
    }

    [Fact]
    public async Task Readiness_PublicAnswerHasNoDetails_StaffSeeTheChecks_LivenessStaysPublic()
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls);

        using var liveRequest = EdgeSecurityFixture.Get("/health/live", Address(141));
        using var live = await gateway.Client.SendAsync(liveRequest);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        using var publicReadyRequest = EdgeSecurityFixture.Get("/health/ready", Address(141));
        using var publicReady = await gateway.Client.SendAsync(publicReadyRequest);
        Assert.Equal(HttpStatusCode.OK, publicReady.StatusCode);
        var shown = JsonNode.Parse(await publicReady.Content.ReadAsStringAsync())!;
        Assert.Equal("healthy", (string?)shown["status"]);
        Assert.Null(shown["checks"]);

        var staff = fixture.Tokens.Token().Roles("admin").Scope("admin:ops").Build();
        using var detailedRequest = EdgeSecurityFixture.Get("/health/ready", Address(141), token: staff);
        using var detailed = await gateway.Client.SendAsync(detailedRequest);
        Assert.Equal(HttpStatusCode.OK, detailed.StatusCode);
        Assert.NotNull(JsonNode.Parse(await detailed.Content.ReadAsStringAsync())!["checks"]);
    }

    [Fact]
    public async Task ManagementPort_ServesMetricsAndReadinessWithoutAToken_AndNothingElse()
    {
        var port = TestServers.FreePort();
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls, managementPort: port,
            configure: g => g.With("Gateway:Management:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        using var metrics = await management.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        using var ready = await management.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.NotNull(JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["checks"]);
        using var api = await management.GetAsync(new Uri("/api/v1/products", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await gateway.StatusAsync("/metrics", Address(142)));
    }

    [Theory]
    [InlineData("/raw/catalog/metrics")]
    [InlineData("/raw/catalog/health/ready")]
    [InlineData("/raw/catalog/Health/Live")]
    public async Task ARouteLeadingToAServicesMetricsOrHealth_IsClosed(string path)
    {
        using var calls = new IdentityCalls(fixture);
        await using var gateway = fixture.StartGateway(calls);
        var before = fixture.Catalog.Hits;

        using var request = EdgeSecurityFixture.Get(path, Address(150));
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NOT_FOUND", await CodeOfAsync(response));
        Assert.Equal(before, fixture.Catalog.Hits);
    }
}
