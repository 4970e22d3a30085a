using Validator = Agora.Http.Validator;

namespace Agora.Notification.Features.Templates;

/// <summary><c>GET /api/v1/admin/notification-templates</c>: templates filtered by event, channel and locale, cursor-paged by id.</summary>
internal static class ListNotificationTemplates
{
    public static async Task<Results<ApiOk<IReadOnlyList<TemplateDto>>, ApiError>> Handle(
        [AsParameters] TemplateListQuery query, NotificationDbContext db, CancellationToken ct)
    {
        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, null, query.Cursor, v);
        var after = Keyset.ReadCursor<string>(query.Cursor, v);

        NotificationEvent? type = null;
        NotificationChannel? channel = null;
        if (!string.IsNullOrEmpty(query.EventType))
        {
            type = NotificationNames.TryParseEvent(query.EventType, out var t) ? t : null;
            v.Require(type is not null, "event_type", TemplateRules.EventTypeMessage);
        }

        if (!string.IsNullOrEmpty(query.Channel))
        {
            channel = NotificationNames.TryParseChannel(query.Channel, out var c) ? c : null;
            v.Require(channel is not null, "channel", "One of email, sms, push.");
        }

        if (!v.IsValid)
        {
            return v.ToError();
        }

        var filtered = db.Templates.AsNoTracking();
        if (type is { } et)
        {
            filtered = filtered.Where(t => t.EventType == et);
        }

        if (channel is { } ch)
        {
            filtered = filtered.Where(t => t.Channel == ch);
        }

        if (!string.IsNullOrEmpty(query.Locale))
        {
            filtered = filtered.Where(t => t.Locale == query.Locale);
        }

        var total = await filtered.LongCountAsync(ct);
        var items = await filtered.OrderAfter(t => t.Id, descending: false, after).Take(perPage + 1).ToListAsync(ct);
        var next = Keyset.TrimToPage(items, perPage, t => t.Id);

        return ApiResults.Page<TemplateDto>(items.Select(TemplateDto.From).ToList(), Paging.Info(perPage, total, next));
    }
}
