namespace Agora.Notification.Features.Templates;

/// <summary><c>PUT /api/v1/admin/notification-templates/{id}</c>: replaces a template (If-Match honoured).</summary>
internal static class ReplaceNotificationTemplate
{
    public static async Task<Results<ApiOk<TemplateDto>, ApiError>> Handle(
        string id, TemplateInput input, HttpRequest request, NotificationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var template = await TemplateRules.FindAsync(db, id, tracked: true, ct);
        if (template is null)
        {
            return TemplateRules.NotFound(id);
        }

        if (Preconditions.IfMatchFails(request, Preconditions.ETag(template.Version)))
        {
            return ApiResults.PreconditionFailed();
        }

        var (valid, error) = TemplateRules.Validate(input);
        if (error is not null)
        {
            return error;
        }

        template.EventType = valid!.Event;
        template.Channel = valid.Channel;
        template.Locale = valid.Locale;
        template.Subject = valid.Subject;
        template.Body = valid.Body;
        template.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        template.Version++;
        if (await TemplateRules.SaveAsync(db, valid, template.Id, ct) is { } conflict)
        {
            return conflict;
        }

        return ApiResults.Ok(TemplateDto.From(template), Preconditions.ETag(template.Version));
    }
}
