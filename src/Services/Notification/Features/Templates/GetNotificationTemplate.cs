namespace Agora.Notification.Features.Templates;

/// <summary><c>GET /api/v1/admin/notification-templates/{id}</c>: one template with its ETag.</summary>
internal static class GetNotificationTemplate
{
    public static async Task<Results<ApiOk<TemplateDto>, ApiError>> Handle(string id, NotificationDbContext db, CancellationToken ct)
    {
        var template = await TemplateRules.FindAsync(db, id, tracked: false, ct);
        return template is null ? TemplateRules.NotFound(id) : ApiResults.Ok(TemplateDto.From(template), Preconditions.ETag(template.Version));
    }
}
