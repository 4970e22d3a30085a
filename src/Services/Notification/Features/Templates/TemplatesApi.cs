namespace Agora.Notification.Features.Templates;

/// <summary>
/// <c>/api/v1/admin/notification-templates</c>: staff list, read, create, replace and delete templates. Under
/// <c>/api/v1/admin</c> with the other staff-only resources (dead letters), apart from what customers call.
/// </summary>
internal static class TemplatesApi
{
    /// <summary>Where the templates live.</summary>
    public const string Route = "/api/v1/admin/notification-templates";

    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithTags("Notification templates")
            .RequireAuthorization(NotificationPolicies.Admin);
        group.MapGet("/", ListNotificationTemplates.Handle).WithName("ListNotificationTemplates")
            .WithSummary("Templates, filtered by event, channel and locale; cursor-paged")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapPost("/preview", PreviewNotificationTemplate.Handle).WithName("PreviewNotificationTemplate")
            .WithSummary("Fill a draft template with a sample order (nothing saved)")
            .WithDescription("Takes what a POST would (event_type, channel, locale, subject, body) and returns it filled with a "
                + "sample order of that event in the locale's sample language (Korean for ko, English otherwise), by the same code "
                + "that fills a sent notification: values HTML-escaped into an email body, its text/plain alternative beside it. "
                + "A draft a save would refuse gets the same 422.")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapGet("/{id}", GetNotificationTemplate.Handle).WithName("GetNotificationTemplate").WithSummary("A template (ETag)")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "TEMPLATE_NOT_FOUND");
        group.MapPost("/", CreateNotificationTemplate.Handle).WithName("CreateNotificationTemplate").WithSummary("Add a template")
            .WithDescription("One template per event, channel and locale (another is 409 TEMPLATE_EXISTS). Placeholders are "
                + "{{name}} with a name the event offers (see placeholders of any template of that event); others are 422.")
            .WithETag()
            .ProducesError(StatusCodes.Status409Conflict, "TEMPLATE_EXISTS")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapPut("/{id}", ReplaceNotificationTemplate.Handle).WithName("ReplaceNotificationTemplate").WithSummary("Replace a template (If-Match honoured)")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "TEMPLATE_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "TEMPLATE_EXISTS")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapDelete("/{id}", DeleteNotificationTemplate.Handle).WithName("DeleteNotificationTemplate").WithSummary("Remove a template (If-Match honoured)")
            .WithDescription("Removes a template. Notifications for its event, channel and locale then use the fallback locale's.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "TEMPLATE_NOT_FOUND");
        return app;
    }
}
