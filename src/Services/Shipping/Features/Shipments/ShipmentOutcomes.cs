using Agora.Contracts.Events;
using Agora.Contracts.Orders;

namespace Agora.Shipping.Features.Shipments;

/// <summary>The events that tell Ordering where a shipment stands: sent once when it changes, again when asked.</summary>
public static class ShipmentOutcomes
{
    /// <summary>The answer to <see cref="CreateShipment"/>: booked (whatever happened since), failed, or cancelled.</summary>
    public static IIntegrationEvent OfCreate(Shipment s, DateTimeOffset now) => s.Status switch
    {
        ShipmentStatus.Failed => new ShipmentFailed(Guid.CreateVersion7(), now, s.OrderId, s.Reason ?? CarrierSelector.NotServiceable),
        ShipmentStatus.Cancelled => new ShipmentCancelled(Guid.CreateVersion7(), now, s.OrderId, s.Id),
        _ => new ShipmentCreated(Guid.CreateVersion7(), now, s.OrderId, s.Id, s.Carrier!, s.TrackingNumber!),
    };

    /// <summary>
    /// The answer to <see cref="CancelShipment"/>: cancelled (also when nothing was ever booked), or, once the parcel has
    /// left, where it is now.
    /// </summary>
    public static IIntegrationEvent OfCancel(Shipment s, DateTimeOffset now) => s.Status switch
    {
        ShipmentStatus.Dispatched or ShipmentStatus.InTransit or ShipmentStatus.Delivered => OfMovement(s, now),
        _ => new ShipmentCancelled(Guid.CreateVersion7(), now, s.OrderId, s.Id),
    };

    /// <summary>The event of a carrier step: dispatched, in transit (with the location) or delivered.</summary>
    public static IIntegrationEvent OfMovement(Shipment s, DateTimeOffset now) => s.Status switch
    {
        ShipmentStatus.Dispatched => new ShipmentDispatched(Guid.CreateVersion7(), now, s.OrderId, s.Id, s.Carrier!, s.TrackingNumber!),
        ShipmentStatus.InTransit => new ShipmentInTransit(Guid.CreateVersion7(), now, s.OrderId, s.Id, s.LastLocation ?? ""),
        ShipmentStatus.Delivered => new ShipmentDelivered(Guid.CreateVersion7(), now, s.OrderId, s.Id),
        _ => throw new InvalidOperationException($"Shipment {s.Id} has not moved: it is {s.Status}."),
    };
}
