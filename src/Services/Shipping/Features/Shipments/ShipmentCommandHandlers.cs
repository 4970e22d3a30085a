using Agora.Http;
using Agora.Contracts.Events;
using Agora.Contracts.Orders;
using Agora.Primitives;
using Agora.Shipping.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Agora.Shipping.Features.Shipments;

/// <summary>
/// <see cref="CreateShipment"/>: books the order's one shipment with a carrier, or fails it. Idempotent by order id: the
/// command again (a saga step retried, a redelivery) books nothing and answers with the shipment's outcome again. The
/// shipment and the answer commit in one transaction (Wolverine's EF Core outbox); two racing commands meet at the
/// unique order id, and the loser's retry answers with the winner's shipment.
/// </summary>
public static class CreateShipmentHandler
{
    public static async Task<IIntegrationEvent> Handle(
        CreateShipment command, ShippingDbContext db, CarrierSelector carriers, TimeProvider clock, ILogger<ShipmentLog> logger,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var existing = await db.Shipments.FirstOrDefaultAsync(s => s.OrderId == command.OrderId, ct);
        if (existing is not null)
        {
            ShipmentLog.Repeated(logger, command.OrderId, existing.Status.ToString());
            return ShipmentOutcomes.OfCreate(existing, now);
        }

        var decision = carriers.Choose(command.Address);
        var items = (command.Items ?? [])
            .Where(i => i is not null && !string.IsNullOrWhiteSpace(i.ProductId))
            .GroupBy(i => i.ProductId, StringComparer.Ordinal)
            .Select(g => (ProductId: g.Key, Quantity: g.Sum(i => i.Quantity)))
            .ToList();
        if (decision.Carrier is not null && (items.Count == 0 || items.Any(i => i.Quantity <= 0)))
        {
            decision = new CarrierDecision(null, "nothing to ship");
        }

        var shipment = NewShipment(command, now.UtcDateTime);
        if (decision.Carrier is { } carrier)
        {
            shipment.Status = ShipmentStatus.Created;
            shipment.Carrier = carrier;
            shipment.TrackingNumber = await UnusedTrackingNumberAsync(db, carriers, ct);
            shipment.Items.AddRange(items.Select(i => new ShipmentItem { ShipmentId = shipment.Id, ProductId = i.ProductId, Quantity = i.Quantity }));
            shipment.Tracking.Add(Step(shipment, ShipmentStatus.Created, $"Booked with {carrier}", now.UtcDateTime));
            ShipmentLog.Booked(logger, shipment.Id, shipment.OrderId, carrier, shipment.TrackingNumber);
        }
        else
        {
            shipment.Status = ShipmentStatus.Failed;
            shipment.Reason = decision.RefusalReason;
            shipment.Tracking.Add(Step(shipment, ShipmentStatus.Failed, decision.RefusalReason, now.UtcDateTime));
            ShipmentLog.Failed(logger, shipment.Id, shipment.OrderId, decision.RefusalReason!);
        }

        db.Shipments.Add(shipment);
        return ShipmentOutcomes.OfCreate(shipment, now);
    }

    private static Shipment NewShipment(CreateShipment command, DateTime now)
    {
        var a = command.Address;
        return new Shipment
        {
            Id = Ids.New("shp"),
            OrderId = command.OrderId,
            CustomerId = command.CustomerId ?? "",
            Recipient = Clip(a?.Recipient, 200),
            Phone = Clip(a?.Phone, 40),
            Line1 = Clip(a?.Line1, 300),
            Line2 = a?.Line2 is null ? null : Clip(a.Line2, 300),
            City = Clip(a?.City, 100),
            PostalCode = Clip(a?.PostalCode, 20),
            Country = Clip(a?.Country?.Trim().ToUpperInvariant(), 2),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private static async Task<string> UnusedTrackingNumberAsync(ShippingDbContext db, CarrierSelector carriers, CancellationToken ct)
    {
        // A billion numbers per prefix: a clash is rare, and one that slips past this check (a racing insert) fails the
        // unique index, so the message is retried and draws again.
        for (var i = 0; ; i++)
        {
            var number = carriers.NewTrackingNumber();
            if (i >= 4 || !await db.Shipments.AnyAsync(s => s.TrackingNumber == number, ct))
            {
                return number;
            }
        }
    }

    internal static TrackingEvent Step(Shipment s, ShipmentStatus status, string? description, DateTime at, string? location = null, string? carrierEventId = null) => new()
    {
        Id = Ids.New("trk"),
        ShipmentId = s.Id,
        CarrierEventId = carrierEventId,
        Status = status,
        Location = location,
        Description = description,
        OccurredAt = at,
        RecordedAt = at,
    };

    private static string Clip(string? value, int max) => value is null ? "" : value.Length <= max ? value : value[..max];
}

/// <summary>
/// <see cref="CancelShipment"/> (compensation): cancels a shipment that has not been dispatched. Idempotent: a cancelled
/// or failed shipment is answered as cancelled again. An order with no shipment gets a cancelled placeholder, so a
/// <see cref="CreateShipment"/> that arrives late (a retried saga step overtaken by its compensation) books nothing.
/// Once the parcel has left, nothing is cancelled: the answer is where it is now, and the refusal is logged.
/// </summary>
public static class CancelShipmentHandler
{
    public static async Task<IIntegrationEvent> Handle(
        CancelShipment command, ShippingDbContext db, TimeProvider clock, ILogger<ShipmentLog> logger, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var shipment = await db.Shipments.FirstOrDefaultAsync(s => s.OrderId == command.OrderId, ct);
        if (shipment is null)
        {
            shipment = new Shipment
            {
                Id = Ids.New("shp"),
                OrderId = command.OrderId,
                CustomerId = "",
                Status = ShipmentStatus.Cancelled,
                Reason = Clip(command.Reason),
                Recipient = "", Phone = "", Line1 = "", City = "", PostalCode = "", Country = "",
                CreatedAt = now.UtcDateTime,
                UpdatedAt = now.UtcDateTime,
                CancelledAt = now.UtcDateTime,
            };
            shipment.Tracking.Add(CreateShipmentHandler.Step(shipment, ShipmentStatus.Cancelled, Clip(command.Reason), now.UtcDateTime));
            db.Shipments.Add(shipment);
            ShipmentLog.CancelledBeforeCreated(logger, command.OrderId);
            return ShipmentOutcomes.OfCancel(shipment, now);
        }

        switch (shipment.Status)
        {
            case ShipmentStatus.Created:
                shipment.Status = ShipmentStatus.Cancelled;
                shipment.Reason = Clip(command.Reason);
                shipment.CancelledAt = now.UtcDateTime;
                shipment.UpdatedAt = now.UtcDateTime;
                shipment.Version++;
                db.TrackingEvents.Add(CreateShipmentHandler.Step(shipment, ShipmentStatus.Cancelled, shipment.Reason, now.UtcDateTime));
                ShipmentLog.Cancelled(logger, shipment.Id, shipment.OrderId, shipment.Reason);
                break;
            case ShipmentStatus.Cancelled or ShipmentStatus.Failed:
                ShipmentLog.Repeated(logger, command.OrderId, shipment.Status.ToString());
                break;
            default:
                ShipmentLog.CancelTooLate(logger, command.OrderId, shipment.Id, shipment.Status.ToString());
                break;
        }

        return ShipmentOutcomes.OfCancel(shipment, now);
    }

    private static string Clip(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? "cancelled" : reason.Length <= 500 ? reason : reason[..500];
}
