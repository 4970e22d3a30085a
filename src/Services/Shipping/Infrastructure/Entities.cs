namespace Agora.Shipping.Infrastructure;

/// <summary>Where a shipment is in its life. Serialized snake_case: <c>in_transit</c>.</summary>
public enum ShipmentStatus
{
    /// <summary>Booked with a carrier; not picked up yet. Can still be cancelled.</summary>
    Created,

    /// <summary>No carrier would take it; final.</summary>
    Failed,

    /// <summary>Cancelled before dispatch; final.</summary>
    Cancelled,

    /// <summary>The carrier picked the parcel up.</summary>
    Dispatched,

    /// <summary>Moving between the carrier's hubs.</summary>
    InTransit,

    /// <summary>Handed to the recipient; final.</summary>
    Delivered,
}

/// <summary>One shipment per order (the order id is unique), with its address, lines and tracking history.</summary>
public sealed class Shipment
{
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public required string CustomerId { get; init; }
    public ShipmentStatus Status { get; set; }

    /// <summary>Null when no carrier took it (<see cref="ShipmentStatus.Failed"/>).</summary>
    public string? Carrier { get; set; }

    /// <summary>Unique when set; null when no carrier took it.</summary>
    public string? TrackingNumber { get; set; }

    /// <summary>Why it failed or was cancelled.</summary>
    public string? Reason { get; set; }

    /// <summary>Where the carrier last saw the parcel.</summary>
    public string? LastLocation { get; set; }

    public required string Recipient { get; init; }
    public required string Phone { get; init; }
    public required string Line1 { get; init; }
    public string? Line2 { get; init; }
    public required string City { get; init; }
    public required string PostalCode { get; init; }
    public required string Country { get; init; }

    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? DispatchedAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public DateTime? CancelledAt { get; set; }

    /// <summary>Concurrency token: a command and a carrier callback racing on one shipment cannot both win.</summary>
    public int Version { get; set; }

    public List<ShipmentItem> Items { get; init; } = [];
    public List<TrackingEvent> Tracking { get; init; } = [];
}

/// <summary>A product and a quantity in the parcel.</summary>
public sealed class ShipmentItem
{
    public required string ShipmentId { get; init; }
    public required string ProductId { get; init; }
    public int Quantity { get; init; }
}

/// <summary>One step of a shipment's history: our own (created, cancelled) or a carrier's callback.</summary>
public sealed class TrackingEvent
{
    public required string Id { get; init; }
    public required string ShipmentId { get; init; }

    /// <summary>The carrier's event id (unique): a callback sent again is recognised and changes nothing. Null for our own steps.</summary>
    public string? CarrierEventId { get; init; }

    public ShipmentStatus Status { get; init; }
    public string? Location { get; init; }
    public string? Description { get; init; }

    /// <summary>When it happened, as the carrier says.</summary>
    public DateTime OccurredAt { get; init; }

    /// <summary>When we recorded it.</summary>
    public DateTime RecordedAt { get; init; }
}
