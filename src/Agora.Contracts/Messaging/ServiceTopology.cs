using Agora.Contracts.Events;
using Agora.Contracts.Orders;
using Agora.Hosting;

namespace Agora.Contracts.Messaging;

/// <summary>
/// Who listens where and who subscribes to what (docs/architecture.md §1, §4). In the embedded mode every event is pushed
/// from the publisher's outbox to each subscriber's TCP port (<see cref="AgoraService.MessagePort"/>); in the distributed mode each event
/// type is a RabbitMQ fan-out exchange and each subscriber binds its own queue.
/// </summary>
public static class ServiceTopology
{
    /// <summary>Default HTTP port of each service (from <see cref="ServiceTable"/>).</summary>
    public static IReadOnlyDictionary<string, int> HttpPorts { get; } =
        ServiceTable.All.ToDictionary(s => s.Name, s => s.HttpPort, StringComparer.Ordinal);

    /// <summary>The embedded-mode message port of a service (<see cref="AgoraService.MessagePort"/>).</summary>
    public static int MessagePort(string service) => ServiceTable.Get(service).MessagePort;

    /// <summary>
    /// Every message type and the services that receive it. Events may have any number of subscribers (a service
    /// joins by adding itself here); a command (<see cref="IAgoraCommand"/>) has exactly one receiver.
    /// </summary>
    public static readonly IReadOnlyDictionary<Type, string[]> Subscriptions = new Dictionary<Type, string[]>
    {
        // Choreography: Search keeps its index current (PriceChanged rides with a ProductUpdated that carries the price).
        [typeof(ProductCreated)] = ["search"],
        [typeof(ProductUpdated)] = ["search"],
        [typeof(ProductDeleted)] = ["search"],
        [typeof(PriceChanged)] = [],
        [typeof(StockChanged)] = ["search"],

        // The order saga (Ordering orchestrates).
        [typeof(ReserveStockForOrder)] = ["catalog"],
        [typeof(ReleaseStockForOrder)] = ["catalog"],
        [typeof(CommitStockForOrder)] = ["catalog"],
        [typeof(StockReservedForOrder)] = ["ordering"],
        [typeof(StockReservationRejected)] = ["ordering"],
        [typeof(StockReleasedForOrder)] = ["ordering"],
        [typeof(StockCommittedForOrder)] = ["ordering"],
        [typeof(AuthorizePayment)] = ["payment"],
        [typeof(CapturePayment)] = ["payment"],
        [typeof(VoidPayment)] = ["payment"],
        [typeof(RefundPayment)] = ["payment"],
        [typeof(PaymentAuthorized)] = ["ordering"],
        [typeof(PaymentDeclined)] = ["ordering"],
        [typeof(PaymentPending)] = ["ordering"],
        [typeof(PaymentCaptured)] = ["ordering"],
        [typeof(PaymentCaptureFailed)] = ["ordering"],
        [typeof(PaymentVoided)] = ["ordering"],
        [typeof(PaymentRefunded)] = ["ordering"],
        [typeof(CreateShipment)] = ["shipping"],
        [typeof(CancelShipment)] = ["shipping"],
        [typeof(ShipmentCreated)] = ["ordering"],
        [typeof(ShipmentFailed)] = ["ordering"],
        [typeof(ShipmentCancelled)] = ["ordering"],
        [typeof(ShipmentDispatched)] = ["ordering"],
        [typeof(ShipmentInTransit)] = ["ordering"],
        [typeof(ShipmentDelivered)] = ["ordering"],

        // Choreography: whoever cares about orders.
        [typeof(OrderPlaced)] = [],
        [typeof(OrderConfirmed)] = ["notification"],
        [typeof(OrderCancelled)] = ["notification"],
        [typeof(OrderPaymentFailed)] = ["notification"],
        [typeof(OrderShipped)] = ["notification"],
        [typeof(OrderDelivered)] = ["notification"],
    };

    /// <summary>The default messaging namespace: prefix of every exchange and queue.</summary>
    public const string DefaultNamespace = "agora";

    /// <summary>The RabbitMQ exchange of a message type: <c>agora.events.product-created</c>.</summary>
    public static string ExchangeName(Type eventType, string ns = DefaultNamespace) => ns + ".events." + Kebab(eventType.Name);

    /// <summary>The RabbitMQ queue a service consumes from.</summary>
    public static string QueueName(string service, string ns = DefaultNamespace) => ns + "." + service;

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
