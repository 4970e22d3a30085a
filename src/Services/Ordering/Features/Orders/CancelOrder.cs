using Agora.Ordering.Domain;
using Agora.Ordering.Features.Saga;

namespace Agora.Ordering.Features.Orders;

/// <summary>
/// <c>POST /api/v1/orders/{id}/cancel</c>: the customer turns the saga back while the order is cancellable. The decision
/// is taken on the order's current state and committed with its expected version; when the saga moves in between, it is
/// taken again on the new state, up to <see cref="MaxAttempts"/> times; an order that keeps changing is answered 409
/// <c>ORDER_BUSY</c> with <c>Retry-After</c>, having changed nothing.
/// </summary>
internal static class CancelOrder
{
    public const int MaxAttempts = 4;

    public static async Task<Results<ApiAccepted<OrderDto>, ApiError>> Handle(string id, HttpContext http, IServiceScopeFactory scopes, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            // A fresh processor (DbContext and outbox) per attempt: after a lost race the old one's outbox still holds
            // the lost decision's messages, and its next commit would send them along.
            await using var scope = scopes.CreateAsyncScope();
            var processor = scope.ServiceProvider.GetRequiredService<OrderProcessor>();
            var order = Ids.HasPrefix(id, "ord") ? await processor.LoadAsync(id, ct) : null;
            if (order is null || !OrderAccess.MaySee(http.User, order.Customer.CustomerId))
            {
                return OrderAccess.NotFound(id);
            }

            if (order.Status is OrderStatus.Cancelled or OrderStatus.Cancelling)
            {
                return ApiResults.Accepted($"/api/v1/orders/{order.Id}", OrderProjection.View(order)); // cancelling twice is the same as once
            }

            if (!OrderSaga.IsCancellable(order))
            {
                return ApiResults.Conflict("ORDER_NOT_CANCELLABLE",
                    $"The order is {order.Status.Wire()} (saga at {order.Step.Wire()}); it can no longer be cancelled.");
            }

            try
            {
                var by = OrderingPolicies.IsStaff(http.User) && http.User.FindFirstValue(AgoraClaims.Subject) != order.Customer.CustomerId ? "staff" : "customer";
                await processor.CommitAsync(order, [new OrderEvent.CompensationStarted(processor.Now, $"cancelled by {by}", "customer")], ct);
                return ApiResults.Accepted($"/api/v1/orders/{order.Id}", OrderProjection.View(order));
            }
            catch (StreamConcurrencyException)
            {
                // The saga moved meanwhile: decide again on the new state.
            }
        }

        return new ApiError(StatusCodes.Status409Conflict, "ORDER_BUSY",
            "The order kept changing while it was being cancelled; nothing was changed. Try again.", null) { RetryAfter = TimeSpan.FromSeconds(1) };
    }
}
