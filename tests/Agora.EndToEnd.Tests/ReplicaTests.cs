using Agora.Hosting;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Agora.AppHost;
using Agora.Testing;

namespace Agora.EndToEnd.Tests;

/// <summary>The distributed shop with two of every stateless service (<c>--Agora:Replicas=2</c>), as Kubernetes runs it.</summary>
public sealed class ReplicaAppHostFixture() : AppHostFixture(AgoraMode.Distributed)
{
    /// <inheritdoc />
    protected override IEnumerable<string> ExtraArguments => ["--Agora:Replicas=2"];

    /// <inheritdoc />
    protected override bool WithCanary => false;

    /// <inheritdoc />
    protected override TimeSpan StartupTimeout => TimeSpan.FromSeconds(420); // twice the processes on 2 cores
}

/// <summary>The replicated shop's collection: its own AppHost, never beside another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReplicaAppHostCollection : ICollectionFixture<ReplicaAppHostFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "AppHost (distributed, 2 replicas)";
}

/// <summary>
/// N replicas: the gateway spreads orders over both Ordering processes, which share one database and one broker queue;
/// one of them dying in the middle of a run loses and doubles nothing.
/// </summary>
[Collection(ReplicaAppHostCollection.Name)]
public sealed class ReplicaTests(ReplicaAppHostFixture fixture)
{
    [Fact]
    public async Task Orders_through_the_gateway_spread_over_both_Ordering_replicas_and_all_confirm()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var customer = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(21, stock: 50);
        await op.TrackStockAsync(product);
        var before = await OrderPostsAsync("ordering-2");

        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(op.Track(await PlaceThroughGatewayAsync(customer, product)));
        }

        var orders = await Task.WhenAll(ids.Select(id => customer.WaitForSagaEndAsync(id, TimeSpan.FromSeconds(120))));
        Assert.All(orders, o => Assert.True((string?)o["status"] == "confirmed", o.ToJsonString()));
        // The second replica took some of them (PowerOfTwoChoices over two equally idle destinations: never none of 8
        // but with a chance of 1 in 2^8; the first replica's share is what is left).
        Assert.True(await OrderPostsAsync("ordering-2") > before, "the gateway sent no order to ordering-2");
        await op.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Ordering_replica_stopped_in_the_middle_of_a_run_loses_and_doubles_nothing()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var customer = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(22, stock: 50);
        await op.TrackStockAsync(product);
        // The provider answers slowly, so the sagas are in the middle of paying when a replica dies.
        await op.SetPspAsync(new JsonObject { ["latency_ms"] = 3000 });
        try
        {
            var ids = new List<string>();
            for (var i = 0; i < 8; i++)
            {
                ids.Add(op.Track(await PlaceThroughGatewayAsync(customer, product)));
            }

            await customer.WaitForOrderAsync(ids[^1], o => (string?)o["saga"]!["state"] != "reserve_stock", TimeSpan.FromSeconds(60));
            await op.StopServiceAsync("ordering-2");
            await op.SetPspAsync(new JsonObject());

            // The survivor takes over: the dead replica's messages come back from the broker (unacknowledged) or from the
            // shared durable inbox and outbox (Wolverine reassigns a dead node's envelopes).
            var orders = await Task.WhenAll(ids.Select(id => customer.WaitForSagaEndAsync(id, TimeSpan.FromSeconds(240))));
            Assert.All(orders, o => Assert.True((string?)o["status"] == "confirmed", o.ToJsonString()));
            await op.AssertInvariantsAsync();
        }
        finally
        {
            await op.SetPspAsync(new JsonObject());
            await op.StartServiceAsync("ordering-2");
        }
    }

    [Fact]
    public async Task Catalog_replica_stopped_in_the_middle_of_a_run_loses_and_doubles_nothing()
    {
        using var op = await ShopOperator.StartAsync(fixture);
        using var customer = await ShopClient.RegisterAsync(fixture);
        var product = await op.ProductAsync(23, stock: 50);
        await op.TrackStockAsync(product);

        // Orders price and reserve through Catalog's gRPC API, spread over both Catalogs; one dies after the first half.
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(op.Track(await PlaceThroughGatewayAsync(customer, product)));
        }

        await op.StopServiceAsync("catalog-2");
        try
        {
            for (var i = 0; i < 4; i++)
            {
                ids.Add(op.Track(await PlaceThroughGatewayAsync(customer, product)));
            }

            var orders = await Task.WhenAll(ids.Select(id => customer.WaitForSagaEndAsync(id, TimeSpan.FromSeconds(240))));
            Assert.All(orders, o => Assert.True((string?)o["status"] == "confirmed", o.ToJsonString()));
            await op.AssertInvariantsAsync();
        }
        finally
        {
            await op.StartServiceAsync("catalog-2");
        }
    }

    [Fact]
    public async Task Identity_sign_in_on_one_replica_consent_and_token_on_the_other_and_a_replayed_refresh_still_revokes_the_family()
    {
        // A browser whose every request goes to the other Identity replica than the one before: the login page comes
        // from one, its form (antiforgery token) is posted to the other, the sign-in cookie one issued is read by the
        // other, and so on. Both share the Data Protection key ring and the signing keys through Identity's database.
        var ports = new[] { fixture.App.GetEndpoint("identity", "http").Port, fixture.App.GetEndpoint("identity-2", "http").Port };
        using var browserHandler = fixture.CreateBrowserHandler();
        using var replicas = new AlternatingReplicas(ports, browserHandler);
        using var browser = new HttpClient(replicas) { BaseAddress = fixture.App.GetEndpoint("identity", "http") };
        var (verifier, challenge) = OAuth.Pkce();

        var callback = await OAuth.SignInAndAuthorizeAsync(browser, OAuth.AuthorizeUrl(challenge, "replicas", scope: "openid profile offline_access read:users"),
            "customer@agora.local", "Customer!2345");
        var query = OAuth.Query(callback);
        Assert.Equal("replicas", query["state"]);
        var (status, tokens) = await OAuth.RedeemAsync(browser, query["code"], verifier);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.Equal(ports.Length, replicas.Served.Distinct().Count());

        var refresh = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = OAuth.WebClient, ["refresh_token"] = (string)tokens["refresh_token"]!,
        };
        var (rotatedStatus, rotated) = await OAuth.TokenAsync(browser, refresh);
        Assert.True(rotatedStatus == HttpStatusCode.OK, rotated.ToJsonString());
        var second = (string)rotated["refresh_token"]!;

        // The replay reaches the other replica than the rotation did; it is refused and revokes the newer token too.
        var (replayStatus, replay) = await OAuth.TokenAsync(browser, refresh);
        Assert.Equal(HttpStatusCode.BadRequest, replayStatus);
        Assert.Equal("invalid_grant", (string?)replay["error"]);
        refresh["refresh_token"] = second;
        Assert.Equal(HttpStatusCode.BadRequest, (await OAuth.TokenAsync(browser, refresh)).Status);
    }

    /// <summary>Sends each request to the next replica's port in turn, with one cookie jar (cookies ignore the port).</summary>
    private sealed class AlternatingReplicas(int[] ports, HttpMessageHandler browser) : DelegatingHandler(browser)
    {
        private int _next;

        public List<int> Served { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var port = ports[_next++ % ports.Length];
            request.RequestUri = new UriBuilder(request.RequestUri!) { Port = port }.Uri;
            Served.Add(port);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>
    /// Places an order through the gateway as a careful client does: a 502, 503 or 504 (the gateway gave up on a slow or
    /// dying replica, or its breaker is open; POSTs are not retried for the client) is sent again, later, with the same
    /// Idempotency-Key, which makes the retry safe: the invariants then show no order placed twice.
    /// </summary>
    private static async Task<string> PlaceThroughGatewayAsync(ShopClient customer, string product)
    {
        var key = Guid.NewGuid().ToString();
        // Sent again every 2 s for up to 90 s, the same key each time: long enough for the gateway's breaker on the
        // cluster to close again on a loaded machine, where a cold replica's first answers can outlast the 2 s attempt
        // timeout; sparse enough to stay within the consumer's rate limit.
        var (status, body, _) = await Poll.UntilAsync(
            () => customer.SendAsync(HttpMethod.Post, "gateway", "/api/v1/orders", new JsonObject
            {
                ["items"] = new JsonArray(new JsonObject { ["product_id"] = product, ["quantity"] = 1 }),
                ["shipping_address"] = ShopClient.Address(),
            }, new Dictionary<string, string> { ["Idempotency-Key"] = key }),
            answer => answer.Status is not (HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout),
            "the gateway taking the order", TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(2));
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"{(int)status} {body.ToJsonString()}");
        return (string)body["data"]!["id"]!;
    }

    /// <summary>How many order placements a replica has answered, from its own request metrics.</summary>
    private async Task<double> OrderPostsAsync(string replica)
    {
        using var http = fixture.CreateClient(replica);
        var text = await http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
                        && l.Contains("http_request_method=\"POST\"", StringComparison.Ordinal)
                        && l.Contains("orders", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
