using System.ComponentModel.DataAnnotations;
using Agora.Http;
using Agora.Shipping.Infrastructure;

namespace Agora.Shipping.Features.CarrierCallbacks;

/// <summary>What a carrier tells us about a parcel.</summary>
/// <param name="EventId">The carrier's id of this event; the same id again is a no-op.</param>
/// <param name="TrackingNumber">The parcel's tracking number.</param>
/// <param name="Status"><c>dispatched</c>, <c>in_transit</c> or <c>delivered</c>.</param>
/// <param name="Location">Where it happened (a hub, a city).</param>
/// <param name="Description">The carrier's words for it.</param>
/// <param name="OccurredAt">When it happened. Default: when the callback arrived.</param>
public sealed record CarrierCallback(
    [property: MaxLength(100)] string? EventId,
    [property: MaxLength(20)] string? TrackingNumber,
    [property: MaxLength(20)] string? Status,
    [property: MaxLength(200), ApiOptional] string? Location,
    [property: MaxLength(500), ApiOptional] string? Description,
    [property: ApiOptional] DateTimeOffset? OccurredAt);

/// <summary>The acknowledgement: the shipment's status after the event, and whether the event was already known.</summary>
public sealed record CarrierCallbackResult(
    [property: MaxLength(100)] string EventId, [property: MaxLength(40)] string ShipmentId, ShipmentStatus Status, bool Duplicate);
