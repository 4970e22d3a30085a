using Agora.Hosting;
using Agora.Ordering.Infrastructure;
using Agora.Ordering.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Ordering.Tests;

/// <summary>
/// Catalog is down: prices cannot be confirmed, so the order is refused with 503 and Retry-After, and nothing is stored
/// or sent. Its own app per mode: the gRPC client's circuit breaker opens after this and must not spoil other tests.
/// </summary>
public abstract class CatalogUnavailableBehaviour(AgoraMode mode)
{
    [Fact]
    public async Task PlaceOrder_CatalogUnreachable_503WithRetryAfterAndNothingStored()
    {
        await using var app = new OrderingApp(mode, "http://127.0.0.1:" + TestServers.FreePort()); // nobody listens there
        await app.InitializeAsync();
        var customer = Orders.NewCustomer();
        var client = app.CustomerClient(customer);

        var response = await Orders.PostAsync(client, Orders.Body([("prd_kettle", 1)]), Orders.NewKey());

        await response.AssertErrorAsync(503, "DEPENDENCY_UNAVAILABLE");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {response.Headers.RetryAfter}");
        Assert.Equal("catalog", Assert.Single(response.Headers.GetValues("X-Agora-Dependency-Failure")));
        var list = await (await client.GetAsync("/api/v1/orders")).BodyAsync();
        Assert.Equal(0, (int)list["pagination"]!["total"]!);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        Assert.Equal(0, await db.Events.CountAsync());
        Assert.Equal(0, await db.Summaries.CountAsync());
        Assert.Equal(0, await db.IdempotencyKeys.CountAsync());
    }
}

public sealed class EmbeddedCatalogUnavailableTests() : CatalogUnavailableBehaviour(AgoraMode.Embedded);

public sealed class DistributedCatalogUnavailableTests() : CatalogUnavailableBehaviour(AgoraMode.Distributed);
