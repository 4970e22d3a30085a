namespace Agora.Shipping.Features.Shipments;

/// <summary><c>/api/v1/shipments</c>: a customer's own shipments (others' are 404), every shipment for staff.</summary>
internal static class ShipmentsApi
{
    public static IEndpointRouteBuilder MapShipmentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/shipments").WithTags("Shipments").RequireAuthorization(ShippingPolicies.Read);
        group.MapGet("/", ListShipments.Handle).WithName("ListShipments")
            .WithSummary("Shipments, newest first, cursor-paged; filter by order_id")
            .WithDescription("The caller's own shipments (read:shipments), or every shipment for staff, who may also filter "
                + "by customer_id. With order_id: the shipment of that order, if it is the caller's.")
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapGet("/{id}", GetShipment.Handle).WithName("GetShipment")
            .WithSummary("A shipment with its tracking history")
            .WithDescription("One shipment: carrier, tracking number, status and every step so far. Another customer's "
                + "shipment is 404, as if it did not exist.")
            .ProducesError(StatusCodes.Status404NotFound, "SHIPMENT_NOT_FOUND");
        return app;
    }
}
