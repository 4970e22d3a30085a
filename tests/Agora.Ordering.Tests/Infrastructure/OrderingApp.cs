using System.Globalization;
using Agora.Contracts.Orders;
using Agora.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agora.Ordering.Tests.Infrastructure;

/// <summary>
/// Ordering in-process (TestServer) on a real store and the real transport of its mode, trusting its own
/// <see cref="TestIdentity"/>, pricing with a <see cref="FakeCatalog"/> and with short saga timings: a step waits
/// <see cref="StepTimeout"/> for its answer, forward steps get <see cref="MaxAttempts"/> tries, payment waits
/// <see cref="PaymentDeadline"/>.
/// </summary>
public sealed class OrderingApp : ServiceApp<Program>
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(2);
    public const int MaxAttempts = 2;
    public static readonly TimeSpan PaymentDeadline = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan StockHold = TimeSpan.FromMinutes(1);

    /// <summary>How long a test waits for an outcome that arrives over the bus (generous: a saga runs several steps).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    /// <summary>Steps after authorization wait 2 s, then 4 s: two attempts, as <see cref="MaxAttempts"/> gives the others.</summary>
    public static readonly TimeSpan AfterPaymentDeadline = TimeSpan.FromSeconds(6);

    public OrderingApp(AgoraMode mode, string catalogAddress)
        : base("ordering", mode)
    {
        With("Ordering:Saga:StepTimeout", StepTimeout.ToString("c", CultureInfo.InvariantCulture));
        With("Ordering:Saga:MaxAttempts", MaxAttempts.ToString(CultureInfo.InvariantCulture));
        With("Ordering:Saga:PaymentDeadline", PaymentDeadline.ToString("c", CultureInfo.InvariantCulture));
        With("Ordering:Saga:StockHold", StockHold.ToString("c", CultureInfo.InvariantCulture));
        With("Ordering:Saga:MaxCompensationAttempts", "5");
        With("Ordering:Saga:AfterPaymentDeadline", AfterPaymentDeadline.ToString("c", CultureInfo.InvariantCulture));
        // Step timers are checked every 100 ms (1 s in production), so a 2 s step timeout fires close to 2 s.
        With("Ordering:Saga:DeadlinePollInterval", "00:00:00.100");
        // A generous pricing budget: on a busy test machine a cold gRPC channel can take seconds, and an order refused
        // for it would fail the test, not show a fault. The tests of the budget itself set their own.
        With("Ordering:Placement:PricingTimeout", "00:00:30");
        With("Agora:Services:catalog:Grpc", catalogAddress);
        With("Logging:LogLevel:Default", "Warning");
        With("Logging:LogLevel:Agora", "Warning");

        WithServices(s => s.AddSingleton<ILoggerProvider>(Failures));
        WithServices(s => s.ConfigureDbContext<Agora.Ordering.Infrastructure.OrderingDbContext>(o => o.AddInterceptors(Saves), ServiceLifetime.Singleton));

        // Its port is chosen now; it listens when the app starts (InitializeAsync).
        Identity = TestIdentity.Create();
        With("Agora:Auth:Authority", Identity.Issuer);
    }

    /// <summary>A hook into the app's saves, for races a test makes happen at an exact moment.</summary>
    public SaveHook Saves { get; } = new();

    /// <summary>
    /// What the app logged at Error (failed message handlers among them: Wolverine logs them under the message type's
    /// name); <see cref="LogRecorder.FailuresSince"/> gives those with an exception, even when a retry later hid the failure.
    /// </summary>
    public LogRecorder Failures { get; } = new(LogLevel.Error);

    /// <summary>The Identity double whose keys this Ordering trusts.</summary>
    public TestIdentity Identity { get; }

    protected override bool HasDependencies => true;

    protected override Task StartDependenciesAsync() => Identity.ListenAsync();

    /// <summary>Embedded mode: the saga's peers (and Notification, and a listener for OrderPlaced) are at <paramref name="port"/>.</summary>
    public OrderingApp WithPeersAt(int port)
    {
        var at = "localhost:" + port.ToString(CultureInfo.InvariantCulture);
        foreach (var service in ScriptedPeer.Services)
        {
            With($"Agora:Messaging:Peers:{service}", at);
        }

        // OrderPlaced has no subscriber in ServiceTopology yet; the peer listens for it as an extra subscriber.
        With("Agora:Messaging:ExtraSubscribers:0:Message", nameof(OrderPlaced));
        With("Agora:Messaging:ExtraSubscribers:0:Port", port.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>A customer's token: sub, email, name and the order scopes (or <paramref name="scope"/>).</summary>
    public string CustomerToken(string customerId, string scope = "read:orders write:orders") =>
        Identity.Token().Subject(customerId).Claim("email", customerId + "@example.test").Claim("name", "Customer " + customerId)
            .Scope(scope).Build();

    /// <summary>A client signed in as <paramref name="customerId"/>.</summary>
    public HttpClient CustomerClient(string customerId) => CreateDefaultClient(new BearerTokenHandler(() => CustomerToken(customerId)));

    /// <summary>A client signed in as staff (role admin).</summary>
    public HttpClient AdminClient() => CreateDefaultClient(new BearerTokenHandler(Identity.AdminToken));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Identity.DisposeAsync();
    }
}

/// <summary>
/// One Ordering per test class (per mode) with its own fake Catalog and scripted peer, so the embedded and the
/// distributed classes run in parallel without sharing anything.
/// </summary>
public abstract class OrderingFixture(AgoraMode mode) : IAsyncLifetime
{
    /// <summary>Products every test may order (KRW): a kettle at 50,000 and a mug at 12,000.</summary>
    public const string Kettle = "prd_kettle";
    public const string Mug = "prd_mug";

    public AgoraMode Mode { get; } = mode;
    public FakeCatalog Catalog { get; private set; } = null!;
    public ScriptedPeer Peer { get; private set; } = null!;
    public OrderingApp App { get; private set; } = null!;

    public PeerScript Script => Peer.Script;

    public async Task InitializeAsync()
    {
        Catalog = await FakeCatalog.StartAsync();
        Catalog.Add(Kettle, "50000", name: "Kettle");
        Catalog.Add(Mug, "12000", name: "Mug");
        App = new OrderingApp(Mode, Catalog.Address);
        if (Mode == AgoraMode.Embedded)
        {
            Peer = await ScriptedPeer.StartEmbeddedAsync(App.MessagePort);
            App.WithPeersAt(Peer.Port!.Value);
        }
        else
        {
            Peer = await ScriptedPeer.StartDistributedAsync(App.MessagingNamespace);
        }

        await App.InitializeAsync(); // start it now: the first test should not pay for (or time out on) the start
        await WarmUpAsync();
    }

    /// <summary>
    /// Wolverine generates and compiles a handler on its first message, which on a busy machine takes longer than a
    /// saga step may wait for its answer. One order through the happy path and one through a compensation compile the
    /// handlers on both sides before any test times a step.
    /// </summary>
    private async Task WarmUpAsync()
    {
        var client = App.CustomerClient("usr_warmup");
        var ids = new List<string>();
        foreach (var postalCode in new[] { "06236", PeerScript.UnservedPostalCode })
        {
            var response = await Orders.PostAsync(client, Orders.Body([(Kettle, 1)], postalCode), Orders.NewKey());
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != System.Net.HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"Warm-up order refused: {(int)response.StatusCode} {body}");
            }

            ids.Add((string)System.Text.Json.Nodes.JsonNode.Parse(body)!["data"]!["id"]!);
        }

        foreach (var id in ids)
        {
            await Poll.UntilAsync(() => Orders.DataAsync(client, $"/api/v1/orders/{id}"), Orders.IsSettled, "the warm-up order " + id,
                TimeSpan.FromSeconds(90));
        }
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Peer.DisposeAsync();
        await Catalog.DisposeAsync();
    }
}

public sealed class EmbeddedOrderingFixture() : OrderingFixture(AgoraMode.Embedded);

public sealed class DistributedOrderingFixture() : OrderingFixture(AgoraMode.Distributed);
