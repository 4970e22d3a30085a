using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Agora.AppHost;

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

    private static async Task<string> PlaceThroughGatewayAsync(ShopClient customer, string product)
    {
        var (status, body, _) = await customer.SendAsync(HttpMethod.Post, "gateway", "/api/v1/orders", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["product_id"] = product, ["quantity"] = 1 }),
            ["shipping_address"] = ShopClient.Address(),
        }, new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() });
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body.ToJsonString()}");
        return (string)body["data"]!["id"]!;
    }

    /// <summary>How many order placements a replica has answered, from its own request metrics.</summary>
    private async Task<double> OrderPostsAsync(string replica)
    {
        using var http = new HttpClient { BaseAddress = fixture.App.GetEndpoint(replica, "http") };
        var text = await http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
                        && l.Contains("http_request_method=\"POST\"", StringComparison.Ordinal)
                        && l.Contains("orders", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
