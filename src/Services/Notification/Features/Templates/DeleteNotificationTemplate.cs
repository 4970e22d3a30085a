namespace Agora.Notification.Features.Templates;

/// <summary><c>DELETE /api/v1/admin/notification-templates/{id}</c>: removes a template (If-Match honoured); its locale then falls back.</summary>
internal static class DeleteNotificationTemplate
{
    public static async Task<Results<NoContent, ApiError>> Handle(string id, HttpRequest request, NotificationDbContext db, CancellationToken ct)
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

        db.Templates.Remove(template);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Deleted (or changed) meanwhile by another request.
            return ApiResults.PreconditionFailed();
        }

        return TypedResults.NoContent();
    }
}
