using System.ComponentModel.DataAnnotations;

namespace Agora.Shipping.Features.Shipments;

/// <summary>A shipment as the API shows it, with its tracking history (oldest first).</summary>
public sealed record ShipmentDto(
    [property: MaxLength(40)] string Id,
    [property: MaxLength(100)] string OrderId,
    [property: MaxLength(100)] string CustomerId,
    ShipmentStatus Status,
    [property: MaxLength(100)] string? Carrier,
    [property: MaxLength(20)] string? TrackingNumber,
    [property: MaxLength(500)] string? Reason,
    [property: MaxLength(200)] string? LastLocation,
    ShipmentAddressDto Address,
    [property: MaxLength(ShipmentDto.MaxItems)] IReadOnlyList<ShipmentItemDto> Items,
    [property: MaxLength(ShipmentDto.MaxTracking)] IReadOnlyList<TrackingEventDto> Tracking,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? DispatchedAt,
    DateTime? DeliveredAt,
    DateTime? CancelledAt)
{
    /// <summary>Most lines a parcel is documented to hold (an order's lines).</summary>
    public const int MaxItems = 1000;

    /// <summary>Most tracking steps a shipment is documented to have.</summary>
    public const int MaxTracking = 10000;

    public static ShipmentDto From(Shipment s) => new(
        s.Id, s.OrderId, s.CustomerId, s.Status, s.Carrier, s.TrackingNumber, s.Reason, s.LastLocation,
        new ShipmentAddressDto(s.Recipient, s.Phone, s.Line1, s.Line2, s.City, s.PostalCode, s.Country),
        s.Items.OrderBy(i => i.ProductId, StringComparer.Ordinal).Select(i => new ShipmentItemDto(i.ProductId, i.Quantity)).ToList(),
        s.Tracking.OrderBy(t => t.OccurredAt).ThenBy(t => t.RecordedAt).ThenBy(t => t.Id, StringComparer.Ordinal)
            .Select(t => new TrackingEventDto(t.Status, t.Location, t.Description, t.OccurredAt)).ToList(),
        s.CreatedAt, s.UpdatedAt, s.DispatchedAt, s.DeliveredAt, s.CancelledAt);
}

/// <summary>Where the parcel goes.</summary>
public sealed record ShipmentAddressDto(
    [property: MaxLength(200)] string Recipient,
    [property: MaxLength(40)] string Phone,
    [property: MaxLength(300)] string Line1,
    [property: MaxLength(300)] string? Line2,
    [property: MaxLength(100)] string City,
    [property: MaxLength(20)] string PostalCode,
    [property: MaxLength(2)] string Country);

/// <summary>A product and how many of it are in the parcel.</summary>
public sealed record ShipmentItemDto([property: MaxLength(100)] string ProductId, int Quantity);

/// <summary>One step of the history: booked, picked up, at a hub, delivered, cancelled.</summary>
public sealed record TrackingEventDto(
    ShipmentStatus Status,
    [property: MaxLength(200)] string? Location,
    [property: MaxLength(500)] string? Description,
    DateTime OccurredAt);
