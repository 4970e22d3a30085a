namespace Agora.Notification.Features.Deliveries;

/// <summary><c>/api/v1/notifications</c>: the delivery log, a customer's own (token <c>sub</c>), or anyone's for staff.</summary>
internal static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/notifications").WithTags("Notifications").RequireAuthorization(NotificationPolicies.Read);
        group.MapGet("/", ListNotifications.Handle).WithName("ListNotifications")
            .WithSummary("The caller's notifications, newest first, cursor-paged")
            .WithDescription("Every email, SMS and push sent (or being sent) to the caller: the customer is the token's sub. "
                + "Staff see everyone's and may filter by customer_id.")
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapGet("/{id}", GetNotification.Handle).WithName("GetNotification")
            .WithSummary("One notification")
            .WithDescription("One notification with its content and delivery status. Another customer's is 404.")
            .ProducesError(StatusCodes.Status404NotFound, "NOTIFICATION_NOT_FOUND");
        return app;
    }
}
