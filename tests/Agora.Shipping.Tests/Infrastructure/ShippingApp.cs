using Agora.Contracts.Orders;
using Agora.Hosting;

namespace Agora.Shipping.Tests.Infrastructure;

/// <summary>
/// Shipping in-process on a real store (SQLite file or its own PostgreSQL database with RabbitMQ), trusting its own
/// <see cref="TestIdentity"/>, with a carrier secret, and a <see cref="MessageProbe"/> standing in for Ordering: it sends
/// the saga's commands and receives Shipping's answers over the mode's real transport.
/// </summary>
public sealed class ShippingApp : ServiceApp<Program>
{
    public const string Secret = "test-carrier-secret-0123456789";

    public static readonly Type[] Answers =
    [
        typeof(ShipmentCreated), typeof(ShipmentFailed), typeof(ShipmentCancelled),
        typeof(ShipmentDispatched), typeof(ShipmentInTransit), typeof(ShipmentDelivered),
    ];

    public ShippingApp(AgoraMode mode)
        : base("shipping", mode)
    {
        With("Shipping:CarrierWebhookSecret", Secret);
        Probe = new MessageProbe(mode);
        Probe.ReceiveFor(this, "ordering");
        Identity = TestIdentity.StartAsync().GetAwaiter().GetResult();
        With("Agora:Auth:Authority", Identity.Issuer);
    }

    public TestIdentity Identity { get; }

    /// <summary>Ordering's stand-in.</summary>
    public MessageProbe Probe { get; }

    public async Task StartAsync()
    {
        _ = Server; // starts the app (migrations, Wolverine listeners)
        await Probe.StartAsync(this, [typeof(OrderingProbeHandler)], [typeof(CreateShipment), typeof(CancelShipment)], Answers);
    }

    /// <summary>A customer's token: <c>sub</c> is the customer id, with <c>read:shipments</c> unless told otherwise.</summary>
    public string CustomerToken(string customerId, string scope = "read:shipments") =>
        Identity.Token().Subject(customerId).Scope(scope).Build();

    public override async ValueTask DisposeAsync()
    {
        await Probe.DisposeAsync();
        await base.DisposeAsync();
        await Identity.DisposeAsync();
    }
}

/// <summary>Ordering's side of the saga, as far as these tests need it: it records Shipping's answers.</summary>
public static class OrderingProbeHandler
{
    public static void Handle(ShipmentCreated m) => ProbeRecorder.Record(m);
    public static void Handle(ShipmentFailed m) => ProbeRecorder.Record(m);
    public static void Handle(ShipmentCancelled m) => ProbeRecorder.Record(m);
    public static void Handle(ShipmentDispatched m) => ProbeRecorder.Record(m);
    public static void Handle(ShipmentInTransit m) => ProbeRecorder.Record(m);
    public static void Handle(ShipmentDelivered m) => ProbeRecorder.Record(m);
}

/// <summary>One started Shipping (and probe) per test class and mode.</summary>
public abstract class ShippingFixture(AgoraMode mode) : IAsyncLifetime
{
    public ShippingApp App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = new ShippingApp(mode);
        await App.StartAsync();
        Client = App.CreateClient();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class EmbeddedShippingFixture() : ShippingFixture(AgoraMode.Embedded);

public sealed class DistributedShippingFixture() : ShippingFixture(AgoraMode.Distributed);
