namespace Agora.Notification.Features.Templates;

/// <summary><c>POST /api/v1/admin/notification-templates</c>: one template per event, channel and locale.</summary>
internal static class CreateNotificationTemplate
{
    public static async Task<Results<ApiCreated<TemplateDto>, ApiError>> Handle(
        TemplateInput input, NotificationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (valid, error) = TemplateRules.Validate(input);
        if (error is not null)
        {
            return error;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var template = new NotificationTemplate
        {
            Id = Ids.New("tpl"),
            EventType = valid!.Event,
            Channel = valid.Channel,
            Locale = valid.Locale,
            Subject = valid.Subject,
            Body = valid.Body,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Templates.Add(template);
        if (await TemplateRules.SaveAsync(db, valid, template.Id, ct) is { } conflict)
        {
            return conflict;
        }

        return ApiResults.Created($"{TemplatesApi.Route}/{template.Id}", TemplateDto.From(template), Preconditions.ETag(template.Version));
    }
}
