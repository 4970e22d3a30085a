using Agora.ServiceDefaults.Http;
using Agora.Ordering.Features.Admin;
using Agora.Ordering.Features.Orders;

namespace Agora.Ordering;

internal static class OrderingApi
{
    public static IEndpointRouteBuilder MapOrderingApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/v1/orders").WithTags("Orders");
        orders.MapPost("/", PlaceOrder.Handle).RequireAuthorization(OrderingPolicies.Write).WithName("PlaceOrder")
            .WithSummary("Place an order (requires Idempotency-Key); prices come from the catalogue.");
        orders.MapGet("/", ReadOrders.Mine).RequireAuthorization(OrderingPolicies.Read).WithName("ListOrders")
            .WithSummary("The caller's orders, newest first (staff: any customer's).");
        orders.MapGet("/{id}", ReadOrders.Get).RequireAuthorization(OrderingPolicies.Read).WithName("GetOrder")
            .WithSummary("An order with its saga state and links; as_of or version show it as it was.");
        orders.MapGet("/{id}/events", ReadOrders.Events).RequireAuthorization(OrderingPolicies.Read).WithName("GetOrderEvents")
            .WithSummary("The order's history: every event of its stream.");
        orders.MapPost("/{id}/cancel", CancelOrder.Handle).RequireAuthorization(OrderingPolicies.Write).WithName("CancelOrder")
            .WithSummary("Cancel while cancellable: the saga undoes what was done and cancels.")
            .ProducesError(StatusCodes.Status404NotFound, "ORDER_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "ORDER_NOT_CANCELLABLE", "ORDER_BUSY");

        app.MapGet("/api/v1/users/{id}/orders", ReadOrders.OfUser).RequireAuthorization(OrderingPolicies.Read)
            .WithTags("Orders").WithName("ListUserOrders").WithSummary("A customer's orders (seed §1.2).");

        var admin = app.MapGroup("/api/v1/admin").WithTags("Order administration").RequireAuthorization(OrderingPolicies.Admin);
        admin.MapGet("/sagas", OrderingAdmin.Sagas).WithName("ListSagas").WithSummary("Orders by saga state.");
        admin.MapPost("/projections/rebuild", OrderingAdmin.Rebuild).WithName("RebuildProjections")
            .WithSummary("Rebuild the order read models from the event log.");
        return app;
    }
}
