using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Agora.EndToEnd.Tests.Security;

/// <summary>
/// Issue 11 at the shop's one door (the gateway on 8080, the real Identity behind it): a flood of made-up API keys is
/// rate limited by address like anonymous traffic, <c>/metrics</c> and the detailed readiness are not the public's, and
/// every answer carries the security headers.
/// </summary>
public abstract class EdgeTests(AppHostFixture fixture)
{
    private readonly Uri _gateway = fixture.Endpoint("gateway");

    /// <summary>
    /// A client whose connections come from another loopback address (127.0.0.x), so what it spends of a per-address
    /// limit is not what the other tests (from 127.0.0.1) have.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The client owns its handler (disposeHandler), and the caller owns the client.")]
    private HttpClient From(string localAddress)
    {
        var handler = fixture.CreateHandler(); // trusts the edge's certificate in the distributed mode
        handler.ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return new(handler, disposeHandler: true) { BaseAddress = _gateway };
    }

    private static string RandomKey()
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"agk_{secret[..8]}_{secret}";
    }

    [Fact]
    public async Task RandomApiKeyFlood_FromOneAddress_Gets429LikeAnonymousTraffic()
    {
        using var client = From(fixture.Mode == Agora.Hosting.AgoraMode.Embedded ? "127.0.0.21" : "127.0.0.22");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 250; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/products?per_page=1");
            request.Headers.Add("X-API-Key", RandomKey());
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.OK, statuses);
        Assert.DoesNotContain(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.True(statuses.Count(s => s == HttpStatusCode.Unauthorized) < 200, string.Join(",", statuses.GroupBy(s => s).Select(g => $"{g.Key}×{g.Count()}")));
    }

    [Fact]
    public async Task Metrics_AtTheEdge_NeedStaff_ReadinessShowsNoDetails()
    {
        using var client = fixture.CreateClient("gateway");

        using var metrics = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        Assert.Equal("UNAUTHORIZED", (string?)JsonNode.Parse(await metrics.Content.ReadAsStringAsync())!["error"]!["code"]);

        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal("healthy", (string?)body["status"]);
        Assert.Null(body["checks"]);
    }

    [Fact]
    public async Task Answers_CarryTheSecurityHeaders()
    {
        using var client = fixture.CreateClient("gateway");

        using var api = await client.GetAsync(new Uri("/api/v1/categories", UriKind.Relative));
        Assert.Equal("nosniff", api.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", api.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", api.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", api.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        using var docs = await client.GetAsync(new Uri("/docs/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("script-src 'self'", docs.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}

[Collection(AppHostCollection.Name)]
public sealed class EmbeddedEdgeTests(EmbeddedAppHostFixture fixture) : EdgeTests(fixture);

[Collection(DistributedAppHostCollection.Name)]
public sealed class DistributedEdgeTests(DistributedAppHostFixture fixture) : EdgeTests(fixture);
