using System.Globalization;
using Agora.Hosting;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Agora.Contracts.Payment.V1;

namespace Agora.Payment.Tests.Infrastructure;

/// <summary>
/// Payment in-process (TestServer) on a real store, either mode, talking real HTTP to its own PSP simulator. Its
/// answers to Ordering go to <see cref="OrderingPort"/> (embedded), where a <see cref="FakeOrdering"/> listens, or to
/// RabbitMQ exchanges of its own namespace (distributed). Durable retries are shortened so an outage test takes seconds.
/// </summary>
public sealed class PaymentApp : ServiceApp<Program>
{
    public PaymentApp(AgoraMode mode, PspSimulatorHost psp)
        : base("payment", mode)
    {
        Psp = psp;
        OrderingPort = TestServers.FreePort();
        With("Agora:Messaging:Peers:ordering", "localhost:" + OrderingPort.ToString(CultureInfo.InvariantCulture));
        With("Agora:Messaging:RecoveryPollingInterval", "00:00:00.200");
        With("Payment:Psp:BaseUrl", psp.BaseAddress.ToString());
        With("Payment:Psp:BreakDuration", "00:00:02");
        With("Payment:RetryDelays:0", "00:00:00.300");
        With("Payment:RetryDelays:1", "00:00:00.600");
        With("Payment:RetryDelays:2", "00:00:01");
        With("Payment:MaxRetryDelay", "00:00:01");

        // Last: nothing above may throw and leave the issuer's Kestrel running.
        Identity = TestIdentity.StartAsync().GetAwaiter().GetResult();
        With("Agora:Auth:Authority", Identity.Issuer);
    }

    public PspSimulatorHost Psp { get; }

    /// <summary>Embedded mode: the TCP port Payment sends Ordering's answers to.</summary>
    public int OrderingPort { get; }

    public TestIdentity Identity { get; }

    public new PaymentApp With(string key, string? value)
    {
        base.With(key, value);
        return this;
    }

    public new PaymentApp WithServices(Action<IServiceCollection> configure)
    {
        base.WithServices(configure);
        return this;
    }

    /// <summary>A REST client whose requests carry <paramref name="token"/>.</summary>
    public HttpClient ClientWith(string token) => CreateDefaultClient(new BearerTokenHandler(() => token));

    /// <summary>A gRPC client over the TestServer; each call carries <paramref name="token"/> (none: anonymous).</summary>
    public PaymentService.PaymentServiceClient Grpc(string? token)
    {
        HttpMessageHandler handler = token is null
            ? Server.CreateHandler()
            : new BearerTokenHandler(() => token) { InnerHandler = Server.CreateHandler() };
        return new PaymentService.PaymentServiceClient(GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = handler }));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Identity.DisposeAsync();
    }
}

/// <summary>One simulator, one Payment and one fake Ordering per test class (per mode), shared by its tests.</summary>
public abstract class PaymentFixture(AgoraMode mode) : IAsyncLifetime
{
    /// <summary>Always declined by this fixture's simulator.</summary>
    public const string DeclinedCustomer = "usr_declined";

    public PspSimulatorHost Psp { get; private set; } = null!;
    public PaymentApp App { get; private set; } = null!;
    public FakeOrdering Ordering { get; private set; } = null!;

    protected virtual void Configure(PaymentApp app)
    {
    }

    public async Task InitializeAsync()
    {
        Psp = await PspSimulatorHost.StartAsync(new Dictionary<string, string?> { ["Psp:Behaviour:DeclineCustomers:0"] = DeclinedCustomer });
        App = new PaymentApp(mode, Psp);
        Configure(App);
        _ = App.Server; // start (and so bind its queue) before Ordering sends anything
        Ordering = await FakeOrdering.StartAsync(App);
    }

    public async Task DisposeAsync()
    {
        await Ordering.DisposeAsync();
        await App.DisposeAsync();
        await Psp.DisposeAsync();
    }
}
