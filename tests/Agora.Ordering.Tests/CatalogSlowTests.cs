using System.Net;
using System.Net.Sockets;
using Agora.Ordering.Infrastructure;
using Agora.Ordering.Tests.Infrastructure;
using Agora.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agora.Ordering.Tests;

/// <summary>
/// Issue 17, findings 1, 2 and 5: Catalog accepts connections and never answers (hung, or overloaded after a restart).
/// The placement must answer within its own budget with the dependency marker the gateway reads (not spend the
/// gateway's whole timeout and be counted as Ordering's failure), and a caller that gives up first (the gateway timing
/// out) is an expected event, not an unhandled error.
/// </summary>
public abstract class CatalogSlowBehaviour(AgoraMode mode)
{
    [Fact]
    public async Task PlaceOrder_CatalogHangs_503DependencyUnavailableWithinTheBudgetAndNothingStored()
    {
        using var catalog = HungServer.Start();
        await using var app = new OrderingApp(mode, catalog.Address);
        app.With("Ordering:Placement:PricingTimeout", "00:00:01");
        await app.InitializeAsync(); // after the settings: it starts the app
        var client = app.CustomerClient(Orders.NewCustomer());
        // Without the budget the gRPC pipeline's six 2 s attempts run first; the client would not wait that long.
        client.Timeout = TimeSpan.FromSeconds(8);

        var response = await Orders.PostAsync(client, Orders.Body([("prd_kettle", 1)]), Orders.NewKey());

        await response.AssertErrorAsync(503, "DEPENDENCY_UNAVAILABLE");
        Assert.Equal("catalog", Assert.Single(response.Headers.GetValues("X-Agora-Dependency-Failure")));
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {response.Headers.RetryAfter}");
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    public async Task PlaceOrder_CallerGivesUpWhilePricing_NoErrorLoggedAndNothingStored()
    {
        using var catalog = HungServer.Start();
        await using var app = new OrderingApp(mode, catalog.Address);
        using var log = new LogRecorder();
        app.With("Logging:LogLevel:Agora.Ordering.Features.Saga.OrderProcessor", "Information");
        app.WithServices(s => s.AddSingleton<ILoggerProvider>(log));
        await app.InitializeAsync(); // after the settings and services: it starts the app
        var client = app.CustomerClient(Orders.NewCustomer());
        var before = app.Failures.Count;

        // The caller (as the gateway does at its timeout) abandons the request once Catalog has the call.
        using var giveUp = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = Json.Of(Orders.Body([("prd_kettle", 1)])) };
        request.Headers.Add("Idempotency-Key", Orders.NewKey());
        var sending = client.SendAsync(request, giveUp.Token);
        await Poll.UntilAsync(() => catalog.Connections > 0, "Ordering's call to Catalog", OrderingApp.Patience);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);

        // The request ends, logged as its caller going away (or, before the fix, as an unhandled error); nothing was ordered.
        await Poll.UntilAsync(() => log.Entries.Any(e => e.Level >= LogLevel.Error || e.Message.Contains("abandoned", StringComparison.Ordinal)),
            "the abandoned request logged", OrderingApp.Patience);
        Assert.Empty(app.Failures.FailuresSince(before).Select(f => f.ToString()));
        await AssertNothingStoredAsync(app);
    }

    private static async Task AssertNothingStoredAsync(OrderingApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        Assert.Equal(0, await db.Events.CountAsync());
        Assert.Equal(0, await db.IdempotencyKeys.CountAsync());
    }

    /// <summary>A TCP server that accepts connections and never says a word: a hung Catalog.</summary>
    private sealed class HungServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _accepted = [];
        private int _connections;

        public string Address => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public int Connections => Volatile.Read(ref _connections);

        public static HungServer Start()
        {
            var server = new HungServer();
            server._listener.Start();
            _ = server.AcceptAsync();
            return server;
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync();
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }

                    Interlocked.Increment(ref _connections);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // stopped
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            lock (_accepted)
            {
                _accepted.ForEach(s => s.Dispose());
            }
        }
    }
}

public sealed class EmbeddedCatalogSlowTests() : CatalogSlowBehaviour(AgoraMode.Embedded);

public sealed class DistributedCatalogSlowTests() : CatalogSlowBehaviour(AgoraMode.Distributed);
