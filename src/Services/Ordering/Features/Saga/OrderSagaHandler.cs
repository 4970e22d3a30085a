using Agora.Contracts.Orders;
using Agora.Ordering.Domain;
using Microsoft.Extensions.Options;
using Wolverine.Attributes;

namespace Agora.Ordering.Features.Saga;

/// <summary>
/// The answers of Catalog, Payment and Shipping, and the saga's own timers. Each one is decided on the order's current
/// state, so a repeated or late message changes nothing (idempotent), and a race with another message for the same
/// order fails the commit and is retried by Wolverine on fresh state.
/// <see cref="OrderProcessor"/> commits its own transaction (events, read models, outbox); Wolverine's automatic EF
/// transaction must stay off these handlers, or it would try to mark the inbox envelope handled on the processor's
/// already committed and closed connection, failing (and retrying) every message after its work was done.
/// </summary>
[NonTransactional]
public static class OrderSagaHandler
{
    public static Task Handle(StockReservedForOrder m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(StockReservationRejected m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(StockReleasedForOrder m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(StockCommittedForOrder m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(PaymentAuthorized m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(PaymentDeclined m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(PaymentPending m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(PaymentCaptured m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(PaymentCaptureFailed m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(PaymentVoided m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(PaymentRefunded m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(ShipmentCreated m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(ShipmentFailed m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(ShipmentCancelled m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(ShipmentDispatched m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(ShipmentInTransit m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(ShipmentDelivered m, OrderProcessor p, CancellationToken ct) => Answer(m.OrderId, m, p, ct);

    public static Task Handle(OrderStepTimedOut m, OrderProcessor p, IOptions<SagaOptions> options, CancellationToken ct) =>
        p.ApplyAsync(m.OrderId, order => OrderSaga.TimedOut(order, m, options.Value, p.Now), ct);

    private static Task<OrderState?> Answer(string orderId, object answer, OrderProcessor p, CancellationToken ct) =>
        p.ApplyAsync(orderId, order => OrderSaga.Decide(order, answer, p.Now), ct);
}
