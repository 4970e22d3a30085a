using Agora.Ordering.Tests.Infrastructure;

namespace Agora.Ordering.Tests;

/// <summary>
/// Ordering's behaviour, run once per mode (SQLite + Wolverine TCP, PostgreSQL + RabbitMQ): placing orders, the saga
/// with its happy path, failures, timeouts and compensations against scripted peers, the read side (time travel,
/// rebuilds, lists) and ownership. Each test uses its own customers, so its orders are its own.
/// </summary>
public abstract partial class OrderingBehaviour(OrderingFixture fixture)
{
    private static readonly string[] HappyHistory =
        ["order_placed", "stock_reserved", "payment_authorized", "shipment_created", "payment_captured", "stock_committed", "order_confirmed"];

    private readonly List<(string Customer, string OrderId)> _placed = [];
    private readonly int _failuresBefore = fixture.App.Failures.Count;

    protected OrderingApp App => fixture.App;

    protected PeerScript Script => fixture.Script;
}

public sealed class EmbeddedOrderingTests(EmbeddedOrderingFixture fixture)
    : OrderingBehaviour(fixture), IClassFixture<EmbeddedOrderingFixture>;

public sealed class DistributedOrderingTests(DistributedOrderingFixture fixture)
    : OrderingBehaviour(fixture), IClassFixture<DistributedOrderingFixture>;
