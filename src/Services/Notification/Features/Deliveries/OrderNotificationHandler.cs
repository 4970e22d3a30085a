using Agora.Contracts.Orders;
using Wolverine;
using Wolverine.Attributes;

namespace Agora.Notification.Features.Deliveries;

/// <summary>
/// The five order events Notification tells customers about (choreography). Not transactional: sending is a side effect
/// no transaction can roll back, so the delivery log is written as each step happens (<see cref="NotificationDispatcher"/>).
/// A failed send fails the handler, and Wolverine retries it (100 ms … 1600 ms) and then dead-letters it.
/// </summary>
[NonTransactional]
public static class OrderNotificationHandler
{
    public static Task Handle(OrderConfirmed e, Envelope envelope, NotificationDispatcher dispatcher, CancellationToken ct) =>
        dispatcher.DispatchAsync(NotificationModel.From(e), envelope.Id, ct);

    public static Task Handle(OrderCancelled e, Envelope envelope, NotificationDispatcher dispatcher, CancellationToken ct) =>
        dispatcher.DispatchAsync(NotificationModel.From(e), envelope.Id, ct);

    public static Task Handle(OrderPaymentFailed e, Envelope envelope, NotificationDispatcher dispatcher, CancellationToken ct) =>
        dispatcher.DispatchAsync(NotificationModel.From(e), envelope.Id, ct);

    public static Task Handle(OrderShipped e, Envelope envelope, NotificationDispatcher dispatcher, CancellationToken ct) =>
        dispatcher.DispatchAsync(NotificationModel.From(e), envelope.Id, ct);

    public static Task Handle(OrderDelivered e, Envelope envelope, NotificationDispatcher dispatcher, CancellationToken ct) =>
        dispatcher.DispatchAsync(NotificationModel.From(e), envelope.Id, ct);
}
