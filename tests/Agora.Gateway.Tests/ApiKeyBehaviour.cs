extern alias gateway;
extern alias identity;

using System.Net;
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
/// Partner API keys at the edge, checked against the real Identity (its own store in either mode) with the gateway's
/// client-credentials token; the gateway's verification client talks to Identity's TestServer.
/// </summary>
public abstract class ApiKeyFixture(AgoraMode mode) : IAsyncLifetime
{
    public ServiceApp<identity::Program> IdentityService { get; private set; } = null!;
    public TestIdentity Tokens { get; private set; } = null!;
    public Backend Catalog { get; private set; } = null!;
    public GatewayApp App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    /// <summary>When true, the verification client answers as if Identity were down.</summary>
    public bool IdentityDown { get; set; }

    public async Task InitializeAsync()
    {
        // The demo client (agora-scripts) exists, and its published secret is accepted, in the Development environment only.
        IdentityService = new ServiceApp<identity::Program>("identity", mode);
        IdentityService.With("environment", "Development");
        _ = IdentityService.Server;
        Tokens = await TestIdentity.StartAsync();
        Catalog = await Backend.StartAsync("catalog");
        App = new GatewayApp(Tokens, mode)
            .Cluster("catalog", [Catalog])
            .Route("products", "/api/v1/products/{**rest}", "catalog")
            .Route("partner", "/api/v1/partner/{**rest}", "catalog", "authenticated")
            .Route("orders", "/api/v1/orders/{**rest}", "catalog", "user")
            .With("Gateway:ApiKeys:IdentityUrl", "http://identity.test/")
            .With("Gateway:ApiKeys:ClientId", "agora-scripts")
            .With("Gateway:ApiKeys:ClientSecret", "agora-scripts-secret")
            .With("environment", "Development")
            .With("Gateway:ApiKeys:CacheDuration", "00:00:00.500")
            .With("Gateway:ApiKeys:NegativeCacheDuration", "00:00:00")
            .WithServices(s => s.AddHttpClient<ApiKeyVerifier>().ConfigurePrimaryHttpMessageHandler(() => new Switch(this)));
        Client = App.Start();
        await WarmUpIdentityAsync();
    }

    /// <summary>
    /// Identity's first token and first verification (JIT, OpenIddict, EF Core on a cold database) can outlast the gateway's
    /// 2 s attempt timeout on a loaded machine; the tests are about the edge, so Identity answers once before they start.
    /// </summary>
    private async Task WarmUpIdentityAsync()
    {
        using var identity = IdentityService.CreateClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "agora-scripts", ["client_secret"] = "agora-scripts-secret",
            ["scope"] = "verify:api-keys",
        });
        using var token = await identity.PostAsync(new Uri("/connect/token", UriKind.Relative), form);
        var accessToken = (string)JsonNode.Parse(await token.Content.ReadAsStringAsync())!["access_token"]!;
        var (_, key) = await CreateKeyAsync("read:catalog");
        using var verify = new HttpRequestMessage(HttpMethod.Post, "/api/v1/api-keys/verify");
        verify.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        verify.Headers.Add("X-API-Key", key);
        using var verified = await identity.SendAsync(verify);
        verified.EnsureSuccessStatusCode();
    }

    /// <summary>Creates a key in Identity's store the way Identity does (only the SHA-256 kept); returns (id, key).</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(params string[] scopes)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var key = $"agk_{secret[..8]}_{secret}";
        var id = "key_" + Guid.NewGuid().ToString("N");
        using var scope = IdentityService.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        db.Set<ApiKey>().Add(new ApiKey
        {
            Id = id, Name = "Partner " + id[^6..], Prefix = secret[..8],
            Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
            Scopes = string.Join(' ', scopes), CreatedAt = DateTime.UtcNow, CreatedBy = "usr_test",
        });
        await db.SaveChangesAsync();
        return (id, key);
    }

    public async Task RevokeAsync(string id)
    {
        using var scope = IdentityService.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        await db.Set<ApiKey>().Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTime.UtcNow));
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await Catalog.DisposeAsync();
        await Tokens.DisposeAsync();
        await IdentityService.DisposeAsync();
    }

    /// <summary>Routes the gateway's calls to Identity's TestServer, or fails them like a refused connection.</summary>
    private sealed class Switch(ApiKeyFixture fixture) : DelegatingHandler
    {
        private HttpMessageHandler? _server;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (fixture.IdentityDown)
            {
                throw new HttpRequestException("Connection refused (identity.test:80)");
            }

            _server ??= fixture.IdentityService.Server.CreateHandler();
            InnerHandler ??= _server;
            return base.SendAsync(request, cancellationToken);
        }
    }
}

public sealed class EmbeddedApiKeyFixture() : ApiKeyFixture(AgoraMode.Embedded);

public sealed class DistributedApiKeyFixture() : ApiKeyFixture(AgoraMode.Distributed);

public abstract class ApiKeyBehaviour(ApiKeyFixture fixture)
{
    private async Task<HttpResponseMessage> GetAsync(string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        return await fixture.Client.SendAsync(request);
    }

    private static async Task<string?> CodeOfAsync(HttpResponseMessage response) =>
        (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"];

    [Fact]
    public async Task ApiKey_Valid_AcceptedOnAPartnerRoute_KeyNotForwarded()
    {
        var (_, key) = await fixture.CreateKeyAsync("read:catalog");

        using var response = await GetAsync("/api/v1/partner/feed", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(fixture.Catalog.Last.Headers.ContainsKey("X-API-Key"));
    }

    [Fact]
    public async Task ApiKey_None_PartnerRoute401()
    {
        using var response = await GetAsync("/api/v1/partner/feed", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ApiKey_Unknown_401InvalidApiKey_EvenOnAnAnonymousRoute()
    {
        var (_, key) = await fixture.CreateKeyAsync("read:catalog");
        var forged = key[..^6] + "AAAAAA";
        var before = fixture.Catalog.Hits;

        using var partner = await GetAsync("/api/v1/partner/feed", forged);
        using var anonymous = await GetAsync("/api/v1/products", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, partner.StatusCode);
        Assert.Equal("INVALID_API_KEY", await CodeOfAsync(partner));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("INVALID_API_KEY", await CodeOfAsync(anonymous));
        Assert.Equal(before, fixture.Catalog.Hits);
    }

    [Fact]
    public async Task ApiKey_Revoked_RefusedOnceTheCacheLapses()
    {
        var (id, key) = await fixture.CreateKeyAsync("read:catalog");
        using (var before = await GetAsync("/api/v1/partner/feed", key))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await fixture.RevokeAsync(id);

        await Poll.UntilAsync(async () =>
        {
            using var after = await GetAsync("/api/v1/partner/feed", key);
            return after.StatusCode;
        }, s => s == HttpStatusCode.Unauthorized, "the revoked key refused once the cache lapsed", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task ApiKey_NotEnoughForAUserRoute()
    {
        var (_, key) = await fixture.CreateKeyAsync("read:orders");

        using var response = await GetAsync("/api/v1/orders", key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

[Collection("apikeys-embedded")]
public sealed class EmbeddedApiKeyTests(EmbeddedApiKeyFixture fixture) : ApiKeyBehaviour(fixture), IClassFixture<EmbeddedApiKeyFixture>;

[Collection("apikeys-distributed")]
public sealed class DistributedApiKeyTests(DistributedApiKeyFixture fixture) : ApiKeyBehaviour(fixture), IClassFixture<DistributedApiKeyFixture>;

/// <summary>
/// Identity unreachable, on a gateway of its own: after the outage its verification client's breaker stays open for a
/// while (keys answer 503 meanwhile), which must not leak into the other tests.
/// </summary>
public abstract class ApiKeyOutageBehaviour(ApiKeyFixture fixture)
{
    private async Task<HttpResponseMessage> GetAsync(string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-API-Key", key);
        return await fixture.Client.SendAsync(request);
    }

    private static async Task<string?> CodeOfAsync(HttpResponseMessage response) =>
        (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"];

    [Fact]
    public async Task ApiKey_IdentityUnreachable_503NotA401()
    {
        var (_, key) = await fixture.CreateKeyAsync("read:catalog");
        fixture.IdentityDown = true;
        try
        {
            using var response = await GetAsync("/api/v1/partner/feed", key);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("SERVICE_UNAVAILABLE", await CodeOfAsync(response));
        }
        finally
        {
            fixture.IdentityDown = false;
        }
    }
}

[Collection("apikeys-outage-embedded")]
public sealed class EmbeddedApiKeyOutageTests(EmbeddedApiKeyFixture fixture) : ApiKeyOutageBehaviour(fixture), IClassFixture<EmbeddedApiKeyFixture>;

[Collection("apikeys-outage-distributed")]
public sealed class DistributedApiKeyOutageTests(DistributedApiKeyFixture fixture) : ApiKeyOutageBehaviour(fixture), IClassFixture<DistributedApiKeyFixture>;
