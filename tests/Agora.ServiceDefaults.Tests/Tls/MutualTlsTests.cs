using System.Net;
using System.Security.Cryptography.X509Certificates;
using Agora.Testing;

namespace Agora.ServiceDefaults.Tests.Tls;

/// <summary>
/// Issue 14, mutual TLS on a real Kestrel with real handshakes on loopback (<see cref="MutualTlsFixture"/>): who gets
/// through an internal endpoint and who is refused, and that each refusal is logged once however often it is retried.
/// </summary>
public sealed class MutualTlsTests(MutualTlsFixture shop) : IClassFixture<MutualTlsFixture>
{
    private const int ClientRefused = 9332;
    private const int PeerForbidden = 6001;

    [Fact]
    public async Task A_peer_through_the_factory_client_is_served_and_known_by_its_service_name()
    {
        using var client = shop.OrderingClient();

        Assert.Equal("ordering", await client.GetStringAsync(new Uri("peer", UriKind.Relative)));
        using var reserve = await client.PostAsync(new Uri("reserve", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, reserve.StatusCode);
    }

    [Fact]
    public async Task A_peer_without_a_client_certificate_is_refused_at_the_handshake_and_logged_once()
    {
        using var stranger = shop.Stranger(null);
        await AssertRefusedThriceAsync(stranger);

        await AssertLoggedOnceAsync(ClientRefused, "no certificate", e => true);
    }

    [Fact]
    public async Task A_certificate_from_a_foreign_CA_is_refused_at_the_handshake_and_logged_once()
    {
        using var foreignCa = TestCertificates.Ca("Not Agora's CA");
        using var impostor = TestCertificates.Issue(foreignCa, "ordering");
        using var stranger = shop.Stranger(impostor);
        await AssertRefusedThriceAsync(stranger);

        await AssertLoggedOnceAsync(ClientRefused, "not issued by the project CA", e => Thumbprint(e) == impostor.Thumbprint);
    }

    [Fact]
    public async Task An_expired_certificate_of_the_project_CA_is_refused_at_the_handshake_and_logged_once()
    {
        var now = DateTimeOffset.UtcNow;
        using var expired = TestCertificates.Issue(shop.ProjectCa, "ordering", now.AddDays(-8), now.AddDays(-1));
        using var stranger = shop.Stranger(expired);
        await AssertRefusedThriceAsync(stranger);

        await AssertLoggedOnceAsync(ClientRefused, "expired", e => Thumbprint(e) == expired.Thumbprint);
    }

    [Fact]
    public async Task Another_service_gets_through_TLS_but_is_403_where_only_Ordering_may_call_and_logged_once()
    {
        using var search = TestCertificates.Issue(shop.ProjectCa, "search");
        using var client = shop.Stranger(search);

        Assert.Equal("search", await client.GetStringAsync(new Uri("peer", UriKind.Relative)));
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync(new Uri("reserve", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        await AssertLoggedOnceAsync(PeerForbidden, "search", e => Equals(e.State.GetValueOrDefault("Peer"), "search"));
    }

    [Fact]
    public async Task Plain_HTTP_and_h2c_to_the_internal_endpoints_are_refused()
    {
        using var plain = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetStringAsync(new Uri($"http://127.0.0.1:{shop.HttpPort}/peer")));

        using var h2c = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{shop.GrpcPort}/peer"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.SendAsync(h2c));
    }

    [Fact]
    public async Task The_probe_port_answers_health_in_plain_HTTP_and_nothing_else()
    {
        using var plain = new HttpClient();
        using var live = await plain.GetAsync(new Uri($"http://127.0.0.1:{shop.ProbePort}/health/live"));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var api = await plain.GetAsync(new Uri($"http://127.0.0.1:{shop.ProbePort}/peer"));
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
    }

    private static async Task AssertRefusedThriceAsync(HttpClient stranger)
    {
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => stranger.GetStringAsync(new Uri("peer", UriKind.Relative)));
        }
    }

    private async Task AssertLoggedOnceAsync(int eventId, string text, Func<LogEntry, bool> about)
    {
        var logged = await Poll.UntilAsync(() => Task.FromResult(shop.Logs.Entries.Where(e => e.EventId.Id == eventId && about(e) && e.Message.Contains(text, StringComparison.Ordinal)).ToList()),
            entries => entries.Count > 0, $"a log entry {eventId} saying '{text}'");
        Assert.Single(logged);
    }

    private static string? Thumbprint(LogEntry entry) => entry.State.GetValueOrDefault("Thumbprint") as string;
}
