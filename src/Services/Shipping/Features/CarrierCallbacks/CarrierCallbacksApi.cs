using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Agora.Http;
using Agora.Primitives;
using Agora.Shipping.Features.Shipments;
using Agora.Shipping.Infrastructure;
using Agora.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;
using Validator = Agora.Http.Validator;

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

/// <summary>
/// <c>POST /api/v1/carrier-callbacks</c>: carriers report pick-up, hubs and delivery. Authenticated by the signature
/// (<see cref="CarrierSignature"/>), not by a bearer token; checked before the body is even parsed. Each accepted step
/// moves the shipment (created → dispatched → in_transit… → delivered) and publishes its event in the same transaction.
/// </summary>
internal static class CarrierCallbacksApi
{
    /// <summary>A callback is a small JSON object; anything larger is refused before it is verified.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly Dictionary<string, ShipmentStatus> Steps = new(StringComparer.Ordinal)
    {
        ["dispatched"] = ShipmentStatus.Dispatched,
        ["in_transit"] = ShipmentStatus.InTransit,
        ["delivered"] = ShipmentStatus.Delivered,
    };

    public static IEndpointRouteBuilder MapCarrierCallbacksApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/carrier-callbacks", Handle).WithName("ReceiveCarrierCallback").WithTags("Carrier callbacks")
            .Accepts<CarrierCallback>("application/json")
            .WithSummary("A carrier reports a parcel's progress (signed webhook)")
            .WithDescription("Signed with the shared secret: X-Carrier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "
                + "\"<t>.<raw body>\">, within 5 minutes of now; otherwise 401 INVALID_SIGNATURE. status is dispatched, in_transit "
                + "or delivered; a step the shipment cannot take is 409 INVALID_TRANSITION; an unknown tracking number 404. "
                + "The same event_id again is 200 with duplicate: true and changes nothing.")
            .AllowAnonymous()
            .ProducesError(StatusCodes.Status401Unauthorized, "INVALID_SIGNATURE")
            .ProducesError(StatusCodes.Status404NotFound, "SHIPMENT_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "INVALID_TRANSITION")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError)
            .ProducesError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable);
        return app;
    }

    internal static async Task<Results<ApiOk<CarrierCallbackResult>, ApiError>> Handle(
        HttpRequest request, IDbContextOutbox<ShippingDbContext> outbox, IOptionsMonitor<ShippingOptions> options,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider clock, ILogger<ShipmentLog> logger, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, ct);
        if (body is null)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
                $"A carrier callback is at most {MaxBodyBytes / 1024} KiB.");
        }

        var o = options.CurrentValue;
        var now = clock.GetUtcNow();
        var refused = CarrierSignature.Verify(request.Headers[CarrierSignature.HeaderName], body, o.CarrierWebhookSecret, now, o.CarrierWebhookTolerance);
        if (refused is not null)
        {
            ShipmentLog.CallbackRefused(logger, refused);
            return ApiResults.Error(StatusCodes.Status401Unauthorized, "INVALID_SIGNATURE", "The callback's signature is not valid: " + refused + ".");
        }

        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return ApiResults.Error(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                "The request body's media type is not supported; send application/json.");
        }

        CarrierCallback? callback;
        try
        {
            callback = JsonSerializer.Deserialize<CarrierCallback>(body, json.Value.SerializerOptions);
        }
        catch (JsonException)
        {
            callback = null;
        }

        if (callback is null)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, ErrorCodes.InvalidJson, "The body is not a JSON object of a carrier callback.");
        }

        var v = new Validator();
        v.Require(callback.EventId is { Length: >= 1 and <= 100 }, "event_id", "Required, 1–100 characters.");
        v.Require(callback.TrackingNumber is { Length: >= 1 and <= 20 }, "tracking_number", "Required, 1–20 characters.");
        var known = Steps.TryGetValue(callback.Status ?? "", out var step);
        v.Require(known, "status", "One of dispatched, in_transit, delivered.");
        v.Require(callback.Location is null || callback.Location.Length <= 200, "location", "At most 200 characters.");
        v.Require(callback.Description is null || callback.Description.Length <= 500, "description", "At most 500 characters.");
        if (!v.IsValid)
        {
            return v.ToError();
        }

        var db = outbox.DbContext;
        if (await DuplicateAsync(db, callback.EventId!, ct) is { } duplicate)
        {
            return ApiResults.Ok(duplicate);
        }

        var shipment = await db.Shipments.FirstOrDefaultAsync(s => s.TrackingNumber == callback.TrackingNumber, ct);
        if (shipment is null)
        {
            return ApiResults.NotFound("SHIPMENT_NOT_FOUND", "No shipment has this tracking number.");
        }

        if (!CanMove(shipment.Status, step))
        {
            return ApiResults.Conflict("INVALID_TRANSITION",
                $"The shipment is {Name(shipment.Status)}; it cannot become {Name(step)}.");
        }

        var at = (callback.OccurredAt ?? now).UtcDateTime;
        shipment.Status = step;
        shipment.UpdatedAt = now.UtcDateTime;
        shipment.Version++;
        shipment.LastLocation = callback.Location ?? shipment.LastLocation;
        if (step == ShipmentStatus.Dispatched)
        {
            shipment.DispatchedAt = at;
        }
        else if (step == ShipmentStatus.Delivered)
        {
            shipment.DeliveredAt = at;
        }

        db.TrackingEvents.Add(new TrackingEvent
        {
            Id = Ids.New("trk"),
            ShipmentId = shipment.Id,
            CarrierEventId = callback.EventId,
            Status = step,
            Location = callback.Location,
            Description = callback.Description,
            OccurredAt = at,
            RecordedAt = now.UtcDateTime,
        });
        await outbox.PublishAsync(ShipmentOutcomes.OfMovement(shipment, now));
        try
        {
            await outbox.SaveChangesAndFlushMessagesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another callback (or a cancellation) changed the shipment between our read and our write.
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable,
                "The shipment changed while this callback was applied; send it again.");
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // The same event raced itself: the other delivery won.
            db.ChangeTracker.Clear();
            if (await DuplicateAsync(db, callback.EventId!, ct) is { } raced)
            {
                return ApiResults.Ok(raced);
            }

            throw;
        }

        ShipmentLog.Moved(logger, shipment.Id, Name(step), callback.EventId!);
        return ApiResults.Ok(new CarrierCallbackResult(callback.EventId!, shipment.Id, shipment.Status, Duplicate: false));
    }

    /// <summary>created → dispatched → in_transit (any number of hubs) → delivered; a parcel may skip in_transit.</summary>
    internal static bool CanMove(ShipmentStatus from, ShipmentStatus to) => (from, to) switch
    {
        (ShipmentStatus.Created, ShipmentStatus.Dispatched) => true,
        (ShipmentStatus.Dispatched, ShipmentStatus.InTransit or ShipmentStatus.Delivered) => true,
        (ShipmentStatus.InTransit, ShipmentStatus.InTransit or ShipmentStatus.Delivered) => true,
        _ => false,
    };

    private static async Task<CarrierCallbackResult?> DuplicateAsync(ShippingDbContext db, string eventId, CancellationToken ct)
    {
        var known = await db.TrackingEvents.AsNoTracking()
            .Where(t => t.CarrierEventId == eventId)
            .Join(db.Shipments, t => t.ShipmentId, s => s.Id, (t, s) => new { s.Id, s.Status })
            .FirstOrDefaultAsync(ct);
        return known is null ? null : new CarrierCallbackResult(eventId, known.Id, known.Status, Duplicate: true);
    }

    private static string Name(ShipmentStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    /// <summary>The raw body (the signature covers these exact bytes), or null when it is over the limit.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
