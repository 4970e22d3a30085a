using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Agora.Hosting;
using Agora.Testing;

namespace Agora.EndToEnd.Tests.Security;

/// <summary>
/// Issue 14 with real processes: the distributed shop, mutual TLS by default (the tests fail with AGORA_E2E_TLS_MODE=Off), takes an order through the gateway to the end of its
/// saga (every hop behind the gateway mutual TLS, tokens validated with keys fetched over it), and Catalog's internal port
/// refuses whoever is not a peer, and a peer that is not Ordering where only Ordering may call.
/// </summary>
[Collection(DistributedAppHostCollection.Name)]
public sealed class DistributedMutualTlsTests(DistributedAppHostFixture fixture) : IDisposable
{
    private readonly HttpClient _gateway = fixture.CreateClient("gateway");
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
    public async Task The_edge_answers_https_with_HSTS_and_plain_8080_redirects_there()
    {
        using var noRedirects = new SocketsHttpHandler { AllowAutoRedirect = false };
        using var plain = new HttpClient(noRedirects);
        using var redirected = await plain.GetAsync(new Uri(fixture.App.GetEndpoint("gateway", "http"), "/api/v1/products?per_page=1"));
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
        Assert.Equal("https", redirected.Headers.Location!.Scheme);
        Assert.Equal(fixture.Endpoint("gateway").Port, redirected.Headers.Location.Port);

        // HSTS is never sent to localhost (a browser would pin every local port); a request for the shop's name gets it.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/products?per_page=1");
        request.Headers.Host = "shop.agora.example";
        using var response = await _gateway.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https", _gateway.BaseAddress!.Scheme);
        Assert.StartsWith("max-age=", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotating_every_certificate_while_orders_flow_loses_and_doubles_nothing()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var shop = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(5, stock: 40);
        await op.TrackStockAsync(product);
        var served = await ServedCertificateAsync(_catalog);

        // Three orders placed and left in flight, every certificate reissued the way an operator does it (scripts/certs.sh
        // again, the CA kept), three more placed: each order's saga crosses connections made with the old pairs and the
        // new ones, and every service has to take up its new pair without a restart.
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            if (i == 3)
            {
                await RotateAsync();
            }

            var key = Guid.NewGuid().ToString();
            var (status, placed) = await GatewayAsync(HttpMethod.Post, "/api/v1/orders", shop.Token, new JsonObject
            {
                ["items"] = new JsonArray(new JsonObject { ["product_id"] = product, ["quantity"] = 1 }),
                ["shipping_address"] = ShopClient.Address(),
            }, key);
            Assert.True(status == HttpStatusCode.Created, placed.ToJsonString());
            ids.Add(op.Track((string)placed["data"]!["id"]!));
        }

        foreach (var id in ids)
        {
            var order = await Poll.UntilAsync(async () => (await GatewayAsync(HttpMethod.Get, $"/api/v1/orders/{id}", shop.Token)).Body["data"],
                o => (string?)o?["saga"]?["state"] is "completed" or "cancelled" or "failed", $"order {id}'s saga to end",
                TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(250));
            Assert.True((string?)order!["status"] == "confirmed", order.ToJsonString());
        }

        // Catalog serves the new certificate on a new connection (it was not restarted), and so does the edge, whose 8443
        // stayed open throughout (no order above needed a second attempt); nothing was lost or done twice.
        var renewed = await ServedCertificateAsync(_catalog);
        Assert.NotEqual(served, renewed);
        using var onDisk = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(fixture.CertificateDirectory, "catalog.crt"));
        Assert.Equal(onDisk.Thumbprint, renewed);
        using var edgeOnDisk = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(fixture.CertificateDirectory, "gateway.crt"));
        Assert.Equal(edgeOnDisk.Thumbprint, await ServedCertificateAsync(fixture.Endpoint("gateway")));
        await op.AssertInvariantsAsync();
    }

    /// <summary>Runs <c>scripts/certs.sh</c> on the run's certificate directory: every service's pair reissued, the CA kept.</summary>
    private async Task RotateAsync()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var start = new System.Diagnostics.ProcessStartInfo("bash", [Path.Combine(root, "scripts", "certs.sh")])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["AGORA_CERTS_DIR"] = fixture.CertificateDirectory;
        using var process = System.Diagnostics.Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, errors);
    }

    /// <summary>The thumbprint of the certificate a service serves to a new connection.</summary>
    private async Task<string> ServedCertificateAsync(Uri service)
    {
        string? thumbprint = null;
        using var handler = fixture.CreateHandler();
        handler.PooledConnectionLifetime = TimeSpan.Zero;
        var validate = handler.SslOptions.RemoteCertificateValidationCallback!;
        handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            thumbprint = (certificate as X509Certificate2)?.Thumbprint ?? certificate?.GetCertHashString();
            return validate(sender, certificate, chain, errors);
        };
        using var client = new HttpClient(handler);
        using var response = await client.GetAsync(new Uri(service, "/health/live"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return thumbprint ?? throw new InvalidOperationException("no certificate was presented");
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

        // RabbitMQ: the broker lists the services' connections as TLS. (Other test assemblies may hold plain connections
        // to the same broker meanwhile, so the plain ones prove nothing here; a service configured with amqp:// under
        // Mutual does not start at all: RabbitMqTlsTests.)
        var broker = await TestServers.RabbitMqConnectionsAsync();
        Assert.True(broker.Count(c => c.Ssl) >= 6, $"the broker's connections: {string.Join(", ", broker.Select(c => $"{c.Name} ssl={c.Ssl} port={c.Port}"))}");
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
