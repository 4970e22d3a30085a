using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Hosting;
using Agora.Testing;

namespace Agora.EndToEnd.Tests.Security;

/// <summary>The distributed shop with <c>--Agora:Tls:Mode=Mutual</c>: every service serves mutual TLS on its internal ports.</summary>
public sealed class MutualTlsAppHostFixture() : AppHostFixture(AgoraMode.Distributed)
{
    /// <inheritdoc />
    protected override bool WithMutualTls => true;
}

/// <summary>Its own AppHost (the same fixed ports as the others): never in parallel with anything.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MutualTlsAppHostCollection : ICollectionFixture<MutualTlsAppHostFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "AppHost (distributed, mutual TLS)";
}

/// <summary>
/// Issue 14 with real processes: the distributed shop in Mutual mode takes an order through the gateway to the end of its
/// saga (every hop behind the gateway mutual TLS, tokens validated with keys fetched over it), and Catalog's internal port
/// refuses whoever is not a peer, and a peer that is not Ordering where only Ordering may call.
/// </summary>
[Collection(MutualTlsAppHostCollection.Name)]
public sealed class DistributedMutualTlsTests(MutualTlsAppHostFixture fixture) : IDisposable
{
    private readonly HttpClient _gateway = new() { BaseAddress = fixture.App.GetEndpoint("gateway", "http") };
    private readonly Uri _catalog = fixture.App.GetEndpoint("catalog", "http");

    public void Dispose() => _gateway.Dispose();

    [Fact]
    public async Task An_order_through_the_gateway_is_confirmed_stock_sold_payment_captured_shipment_booked()
    {
        Assert.Equal("https", _catalog.Scheme);
        using var op = await ShopOperator.StartAsync(fixture);
        using var shop = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(4);
        var before = await op.TrackStockAsync(product);

        var (status, placed) = await GatewayAsync(HttpMethod.Post, "/api/v1/orders", shop.Token, new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["product_id"] = product, ["quantity"] = 2 }),
            ["shipping_address"] = ShopClient.Address(),
        }, Guid.NewGuid().ToString());
        Assert.True(status == HttpStatusCode.Created, placed.ToJsonString());
        var id = op.Track((string)placed["data"]!["id"]!);

        var order = await Poll.UntilAsync(async () => (await GatewayAsync(HttpMethod.Get, $"/api/v1/orders/{id}", shop.Token)).Body["data"],
            o => (string?)o?["saga"]?["state"] is "completed" or "cancelled" or "failed", $"order {id}'s saga to end",
            TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(250));

        Assert.True((string?)order!["status"] == "confirmed", order.ToJsonString());
        Assert.Equal("captured", (string?)order["payment"]!["status"]);
        Assert.StartsWith("KR", (string?)order["shipment"]!["tracking_number"]);
        var after = await op.Admin.GetDataAsync("catalog", $"/api/v1/products/{product}/inventory");
        Assert.Equal((int)before["available"]! - 2, (int)after["available"]!);
        Assert.Equal((int)before["reserved"]!, (int)after["reserved"]!);
        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Catalogs_internal_port_refuses_a_caller_without_a_client_certificate_at_the_handshake()
    {
        using var stranger = new HttpClient(TestCertificates.Handler(null, fixture.ProjectCa, newConnectionEachRequest: true));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => stranger.GetAsync(new Uri(_catalog, "/api/v1/products?per_page=1")));

        // The same request from a peer (the harness's certificate of the project CA) is served.
        using var peer = fixture.CreateHttpClient();
        using var served = await peer.GetAsync(new Uri(_catalog, "/api/v1/products?per_page=1"));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Catalogs_internal_port_refuses_a_certificate_of_a_foreign_CA_at_the_handshake()
    {
        using var foreignCa = TestCertificates.Ca("Not Agora's CA");
        using var impostor = TestCertificates.Issue(foreignCa, "ordering");
        using var stranger = new HttpClient(TestCertificates.Handler(impostor, fixture.ProjectCa, newConnectionEachRequest: true));

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => stranger.GetAsync(new Uri(_catalog, "/api/v1/products?per_page=1")));
    }

    [Fact]
    public async Task Another_services_certificate_with_a_service_token_is_403_on_reservations_where_Orderings_is_let_through()
    {
        var token = await ServiceTokenAsync();
        using var search = TestCertificates.Read(fixture.CertificateDirectory, "search");
        using var ordering = TestCertificates.Read(fixture.CertificateDirectory, "ordering");

        var (asSearch, searchBody) = await ReserveAsync(search, token);
        var (asOrdering, orderingBody) = await ReserveAsync(ordering, token);

        Assert.True(asSearch == HttpStatusCode.Forbidden, $"{(int)asSearch} {searchBody}");
        // Ordering's certificate and the same token get past authorization to the body's validation (no lines: nothing reserved).
        Assert.True(asOrdering is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{(int)asOrdering} {orderingBody}");
    }

    [Fact]
    public async Task The_services_reach_PostgreSQL_and_RabbitMQ_over_TLS_as_the_servers_see_it()
    {
        // PostgreSQL: every connection to a service's database is TLS (pg_stat_ssl), and there are some.
        await using var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select a.datname, s.ssl from pg_stat_activity a join pg_stat_ssl s using (pid) where a.datname = any(@databases)", connection);
        command.Parameters.AddWithValue("databases", new[] { "agora_identity", "agora_catalog", "agora_ordering", "agora_payment", "agora_shipping", "agora_notification", "agora_search" });
        var sessions = new List<(string Database, bool Ssl)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                sessions.Add((reader.GetString(0), reader.GetBoolean(1)));
            }
        }

        Assert.NotEmpty(sessions);
        Assert.All(sessions, s => Assert.True(s.Ssl, $"a plain connection to {s.Database}"));
        Assert.Contains(sessions, s => s.Database == "agora_ordering");

        // RabbitMQ: the broker lists the services' connections, every one TLS on its amqps port.
        var broker = await TestServers.RabbitMqConnectionsAsync();
        Assert.NotEmpty(broker);
        Assert.All(broker, c => Assert.True(c.Ssl, $"a plain connection to the broker: {c.Name} on {c.Port}"));
    }

    private async Task<(HttpStatusCode Status, string Body)> ReserveAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string token)
    {
        using var client = new HttpClient(TestCertificates.Handler(certificate, fixture.ProjectCa));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_catalog, "/api/v1/reservations"))
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A client-credentials token with <c>write:inventory</c> (the development scripts client): a service's token.</summary>
    private async Task<string> ServiceTokenAsync()
    {
        using var identity = fixture.CreateClient("identity");
        var (status, body) = await OAuth.TokenAsync(identity, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "agora-scripts", ["client_secret"] = DemoSecrets.ScriptsClientSecret,
            ["scope"] = "write:inventory",
        });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return (string)body["access_token"]!;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> GatewayAsync(HttpMethod method, string path, string token, JsonNode? body = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!);
    }
}
