namespace Agora.Ordering.Features.Orders;

/// <summary><c>/api/v1/orders</c>, <c>/api/v1/users/{id}/orders</c>, <c>/api/v1/customer-orders</c>: maps the order operations (one file each in this folder).</summary>
internal static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/v1/orders").WithTags("Orders");
        orders.MapPost("/", PlaceOrder.Handle).RequireAuthorization(OrderingPolicies.Write).WithName("PlaceOrder")
            .WithSummary("Place an order (requires Idempotency-Key); prices come from the catalogue.")
            .RequiresHeader(PlaceOrder.IdempotencyHeader, PlaceOrder.MaxIdempotencyKeyLength,
                "1–255 printable characters, e.g. a UUID, chosen by the client for this order: a retry with the same key and body "
                + "answers the same order (Idempotent-Replayed: true) instead of placing another; the same key with another body is "
                + "422 IDEMPOTENCY_KEY_REUSED. Without it: 400 IDEMPOTENCY_KEY_REQUIRED.")
            .ProducesError(StatusCodes.Status400BadRequest, "IDEMPOTENCY_KEY_REQUIRED")
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError, "IDEMPOTENCY_KEY_REUSED")
            .ProducesError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.DependencyUnavailable);
        orders.MapGet("/", FindOrderByIdempotencyKey.Handle).RequireAuthorization(OrderingPolicies.Read).WithName("ListOrders")
            .WithSummary("The caller's orders, newest first (staff: any customer's); with idempotency_key, the order placed with that key.")
            .WithDescription("idempotency_key: the Idempotency-Key a POST /api/v1/orders was sent with. The answer lists the order placed "
                + "with it (the caller's own; staff: any customer's, narrowed by customer_id), or nothing if no order was placed with it: "
                + "how a client whose POST got no answer learns the order's fate.")
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        orders.MapGet("/{id}", GetOrder.Handle).RequireAuthorization(OrderingPolicies.Read).WithName("GetOrder")
            .WithSummary("An order with its saga state and links; as_of or version show it as it was.")
            .ProducesError(StatusCodes.Status404NotFound, "ORDER_NOT_FOUND", "ORDER_NOT_YET_PLACED", "ORDER_VERSION_NOT_FOUND")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        orders.MapGet("/{id}/events", GetOrderEvents.Handle).RequireAuthorization(OrderingPolicies.Read).WithName("GetOrderEvents")
            .WithSummary("The order's history: every event of its stream.")
            .ProducesError(StatusCodes.Status404NotFound, "ORDER_NOT_FOUND");
        orders.MapPost("/{id}/cancel", CancelOrder.Handle).RequireAuthorization(OrderingPolicies.Write).WithName("CancelOrder")
            .WithSummary("Cancel while cancellable: the saga undoes what was done and cancels.")
            .ProducesError(StatusCodes.Status404NotFound, "ORDER_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "ORDER_NOT_CANCELLABLE", "ORDER_BUSY");

        app.MapGet("/api/v1/users/{id}/orders", ListUserOrders.Handle).RequireAuthorization(OrderingPolicies.Read)
            .WithTags("Orders").WithName("ListUserOrders").WithSummary("A customer's orders (guide §1.2).")
            .ProducesError(StatusCodes.Status404NotFound, "USER_NOT_FOUND")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);

        app.MapGet("/api/v1/customer-orders", ListCustomerOrders.Handle).RequireAuthorization(OrderingPolicies.Read)
            .WithTags("Orders").WithName("ListCustomerOrders")
            .WithSummary("The newest orders (with items) of up to 100 customers in one call; staff see anyone's, a customer only their own.")
            .WithDescription("customer_ids: 1–100 customer ids separated by commas; limit: orders per customer (1–100, default 20). "
                + "Customers the caller may not see are left out of the answer, as if they had no orders entry.")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);

        return app;
    }
}
