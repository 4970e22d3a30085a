using System.ComponentModel.DataAnnotations;

namespace Agora.Shipping.Features.CarrierCallbacks;

/// <summary><c>/api/v1/carrier-callbacks</c>: maps the signed carrier webhook (<see cref="ReceiveCarrierCallback"/>).</summary>
internal static class CarrierCallbacksApi
{
    public static IEndpointRouteBuilder MapCarrierCallbacksApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/carrier-callbacks", ReceiveCarrierCallback.Handle).WithName("ReceiveCarrierCallback").WithTags("Carrier callbacks")
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
}
