namespace Agora.Catalog.Features.Stock;

/// <summary><c>/api/v1/products/{id}/inventory</c> and <c>/api/v1/reservations</c>: maps the stock operations (one file each in this folder).</summary>
internal static class InventoryApi
{
    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder app)
    {
        var inventory = app.MapGroup("/api/v1/products/{id}/inventory").WithTags("Inventory");
        inventory.MapGet("/", GetInventory.Handle).WithName("GetInventory").WithSummary("Stock of a product")
            .WithDescription("Units available to reserve, and units held by active reservations.")
            .ProducesError(StatusCodes.Status404NotFound, "PRODUCT_NOT_FOUND");
        inventory.MapPut("/", SetInventory.Handle).WithName("SetInventory").WithSummary("Set a product's available stock")
            .WithDescription("Sets the units available to reserve (0–1000000), for example after a stock count; "
                + "reserved units are not touched.")
            .ProducesError(StatusCodes.Status404NotFound, "PRODUCT_NOT_FOUND")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError)
            .RequireAuthorization(CatalogPolicies.Stock);

        var reservations = app.MapGroup("/api/v1/reservations").WithTags("Reservations");
        reservations.MapPost("/", CreateReservation.Handle).WithName("CreateReservation").WithSummary("Reserve stock for one or more products, all or nothing")
            .WithDescription("Holds stock of every line, or of none: 409 INSUFFICIENT_STOCK names the short products, 422 "
                + "the unknown ones. Unconfirmed stock returns after ttl_seconds. Give an id (such as an order id) to make "
                + "the call idempotent: the same id and lines again answer 200 with the first reservation, other lines 409 RESERVATION_EXISTS.")
            .ProducesError(StatusCodes.Status409Conflict, "INSUFFICIENT_STOCK", "RESERVATION_EXISTS")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError)
            .RequireAuthorization(CatalogPolicies.Reserve);
        reservations.MapGet("/{id}", GetReservation.Handle).WithName("GetReservation").WithSummary("A reservation")
            .WithDescription("One reservation by id, with its status and lines.")
            .ProducesError(StatusCodes.Status404NotFound, "RESERVATION_NOT_FOUND");
        reservations.MapPost("/{id}/release", ReleaseReservation.Handle).WithName("ReleaseReservation").WithSummary("Return a reservation's stock")
            .WithDescription("Returns the reserved stock. Idempotent: releasing a released or expired reservation answers "
                + "it again; a committed one is 409 RESERVATION_SETTLED.")
            .ProducesError(StatusCodes.Status404NotFound, "RESERVATION_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "RESERVATION_SETTLED")
            .RequireAuthorization(CatalogPolicies.Reserve);
        reservations.MapPost("/{id}/commit", CommitReservation.Handle).WithName("CommitReservation").WithSummary("Turn a reservation into a sale")
            .WithDescription("Turns the reserved stock into a sale. Idempotent: committing a committed reservation answers "
                + "it again; an expired one is 409 RESERVATION_EXPIRED, a released one 409 RESERVATION_SETTLED.")
            .ProducesError(StatusCodes.Status404NotFound, "RESERVATION_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "RESERVATION_EXPIRED", "RESERVATION_SETTLED")
            .RequireAuthorization(CatalogPolicies.Reserve);
        return app;
    }
}
