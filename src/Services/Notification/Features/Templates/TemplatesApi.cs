using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Agora.Http;
using Agora.Notification.Infrastructure;
using Agora.Primitives;
using Agora.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Validator = Agora.Http.Validator;

namespace Agora.Notification.Features.Templates;

/// <summary>A template as the API shows it, with the placeholders its event offers.</summary>
public sealed record TemplateDto(
    [property: MaxLength(40)] string Id,
    NotificationEvent EventType,
    NotificationChannel Channel,
    [property: MaxLength(10)] string Locale,
    [property: MaxLength(TemplateLimits.Subject)] string? Subject,
    [property: MaxLength(TemplateLimits.Body)] string Body,
    [property: MaxLength(20)] IReadOnlyList<Placeholder> Placeholders,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static TemplateDto From(NotificationTemplate t) => new(
        t.Id, t.EventType, t.Channel, t.Locale, t.Subject, t.Body,
        Templates.Placeholders.Listed(t.EventType), t.CreatedAt, t.UpdatedAt);
}

/// <summary>What POST and PUT take: the whole template.</summary>
/// <param name="EventType">order_confirmed, order_cancelled, order_payment_failed, order_shipped or order_delivered.</param>
/// <param name="Channel">email, sms or push.</param>
/// <param name="Locale">A language (<c>ko</c>) or language-region (<c>ko-KR</c>).</param>
/// <param name="Subject">Email subject or push title (required for those); none for SMS.</param>
/// <param name="Body">HTML for email, plain text for SMS (at most 1,000 characters) and push.</param>
public sealed record TemplateInput(
    [property: MaxLength(40)] string? EventType,
    [property: MaxLength(10)] string? Channel,
    [property: MaxLength(10)] string? Locale,
    [property: MaxLength(TemplateLimits.Subject), ApiOptional] string? Subject,
    [property: MaxLength(TemplateLimits.Body)] string? Body);

/// <summary>Query parameters of the template list.</summary>
public sealed class TemplateListQuery
{
    [FromQuery(Name = "event_type"), MaxLength(40), Description("Only templates of this event.")] public string? EventType { get; init; }

    [FromQuery(Name = "channel"), MaxLength(10), Description("Only templates of this channel: email, sms or push.")] public string? Channel { get; init; }

    [FromQuery(Name = "locale"), MaxLength(10), Description("Only templates of this locale.")] public string? Locale { get; init; }

    [FromQuery(Name = "per_page"), Range(1, Paging.MaxPerPage), Description("Items per page. Default 20.")] public int? PerPage { get; init; }

    [FromQuery(Name = "cursor"), MaxLength(512), RegularExpression("^[A-Za-z0-9_-]+$"), Description("Opaque cursor from pagination.next_cursor.")] public string? Cursor { get; init; }
}

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
        group.MapGet("/", List).WithName("ListNotificationTemplates")
            .WithSummary("Templates, filtered by event, channel and locale; cursor-paged")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapGet("/{id}", Get).WithName("GetNotificationTemplate").WithSummary("A template (ETag)")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "TEMPLATE_NOT_FOUND");
        group.MapPost("/", Create).WithName("CreateNotificationTemplate").WithSummary("Add a template")
            .WithDescription("One template per event, channel and locale (another is 409 TEMPLATE_EXISTS). Placeholders are "
                + "{{name}} with a name the event offers (see placeholders of any template of that event); others are 422.")
            .WithETag()
            .ProducesError(StatusCodes.Status409Conflict, "TEMPLATE_EXISTS")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapPut("/{id}", Replace).WithName("ReplaceNotificationTemplate").WithSummary("Replace a template (If-Match honoured)")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "TEMPLATE_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "TEMPLATE_EXISTS")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapDelete("/{id}", Delete).WithName("DeleteNotificationTemplate").WithSummary("Remove a template (If-Match honoured)")
            .WithDescription("Removes a template. Notifications for its event, channel and locale then use the fallback locale's.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "TEMPLATE_NOT_FOUND");
        return app;
    }

    internal static async Task<Results<ApiOk<IReadOnlyList<TemplateDto>>, ApiError>> List(
        [AsParameters] TemplateListQuery query, NotificationDbContext db, CancellationToken ct)
    {
        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, null, query.Cursor, v);
        string? after = null;
        if (!string.IsNullOrEmpty(query.Cursor) && !Paging.TryDecodeCursor(query.Cursor, out after))
        {
            v.Add("cursor", "Invalid cursor; use pagination.next_cursor of a previous page.");
        }

        NotificationEvent? type = null;
        NotificationChannel? channel = null;
        if (!string.IsNullOrEmpty(query.EventType))
        {
            type = NotificationNames.TryParseEvent(query.EventType, out var t) ? t : null;
            v.Require(type is not null, "event_type", EventTypeMessage);
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
        var page = after is null ? filtered : filtered.Where(t => string.Compare(t.Id, after) > 0);
        var items = await page.OrderBy(t => t.Id).Take(perPage + 1).ToListAsync(ct);
        string? next = null;
        if (items.Count > perPage)
        {
            items.RemoveAt(perPage);
            next = Paging.EncodeCursor(items[^1].Id);
        }

        return ApiResults.Page<TemplateDto>(items.Select(TemplateDto.From).ToList(), Paging.Info(perPage, total, next));
    }

    internal static async Task<Results<ApiOk<TemplateDto>, ApiError>> Get(string id, NotificationDbContext db, CancellationToken ct)
    {
        var template = await FindAsync(db, id, tracked: false, ct);
        return template is null ? NotFound(id) : ApiResults.Ok(TemplateDto.From(template), Preconditions.ETag(template.Version));
    }

    internal static async Task<Results<ApiCreated<TemplateDto>, ApiError>> Create(
        TemplateInput input, NotificationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (valid, error) = Validate(input);
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
        if (await SaveAsync(db, valid, template.Id, ct) is { } conflict)
        {
            return conflict;
        }

        return ApiResults.Created($"{Route}/{template.Id}", TemplateDto.From(template), Preconditions.ETag(template.Version));
    }

    internal static async Task<Results<ApiOk<TemplateDto>, ApiError>> Replace(
        string id, TemplateInput input, HttpRequest request, NotificationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var template = await FindAsync(db, id, tracked: true, ct);
        if (template is null)
        {
            return NotFound(id);
        }

        if (Preconditions.IfMatchFails(request, Preconditions.ETag(template.Version)))
        {
            return ApiResults.PreconditionFailed();
        }

        var (valid, error) = Validate(input);
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
        if (await SaveAsync(db, valid, template.Id, ct) is { } conflict)
        {
            return conflict;
        }

        return ApiResults.Ok(TemplateDto.From(template), Preconditions.ETag(template.Version));
    }

    internal static async Task<Results<NoContent, ApiError>> Delete(string id, HttpRequest request, NotificationDbContext db, CancellationToken ct)
    {
        var template = await FindAsync(db, id, tracked: true, ct);
        if (template is null)
        {
            return NotFound(id);
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

    /// <summary>A validated template.</summary>
    internal sealed record ValidTemplate(NotificationEvent Event, NotificationChannel Channel, string Locale, string? Subject, string Body);

    internal const string EventTypeMessage = "One of order_confirmed, order_cancelled, order_payment_failed, order_shipped, order_delivered.";

    internal static (ValidTemplate? Template, ApiError? Error) Validate(TemplateInput? input)
    {
        var v = new Validator();
        if (input is null)
        {
            return (null, v.Add("body", "A JSON object is required.").ToError());
        }

        var hasEvent = NotificationNames.TryParseEvent(input.EventType, out var type);
        v.Require(hasEvent, "event_type", EventTypeMessage);
        var hasChannel = NotificationNames.TryParseChannel(input.Channel, out var channel);
        v.Require(hasChannel, "channel", "One of email, sms, push.");
        var locale = Deliveries.Locales.Normalize(input.Locale);
        v.Require(locale is not null && locale == input.Locale?.Trim(), "locale", "A language code (ko, en) or language-region (ko-KR).");

        var subject = string.IsNullOrWhiteSpace(input.Subject) ? null : input.Subject.Trim();
        if (hasChannel && channel == NotificationChannel.Sms)
        {
            v.Require(subject is null, "subject", "SMS has no subject; leave it out.");
        }
        else if (hasChannel)
        {
            v.Require(subject is not null, "subject", channel == NotificationChannel.Email ? "Required for email." : "Required for push (the title).");
        }

        v.Require(subject is null || (subject.Length <= TemplateLimits.Subject && !subject.Any(char.IsControl)), "subject",
            $"One line of at most {TemplateLimits.Subject} characters.");
        var bodyMax = hasChannel && channel == NotificationChannel.Sms ? TemplateLimits.SmsBody : TemplateLimits.Body;
        v.Require(!string.IsNullOrWhiteSpace(input.Body) && input.Body.Length <= bodyMax, "body", $"Required, at most {bodyMax} characters.");

        if (hasEvent)
        {
            var allowed = Placeholders.For(type);
            foreach (var problem in subject is null ? [] : TemplateText.Problems(subject, allowed))
            {
                v.Add("subject", problem);
            }

            foreach (var problem in string.IsNullOrEmpty(input.Body) ? [] : TemplateText.Problems(input.Body, allowed))
            {
                v.Add("body", problem);
            }
        }

        return v.IsValid ? (new ValidTemplate(type, channel, locale!, subject, input.Body!), null) : (null, v.ToError());
    }

    /// <summary>Saves <paramref name="self"/>; 409 when another template has its event, channel and locale.</summary>
    private static async Task<ApiError?> SaveAsync(NotificationDbContext db, ValidTemplate valid, string self, CancellationToken ct)
    {
        if (await db.Templates.AnyAsync(t => t.EventType == valid.Event && t.Channel == valid.Channel && t.Locale == valid.Locale
                && t.Id != self, ct))
        {
            return Exists(valid);
        }

        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiResults.PreconditionFailed();
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Exists(valid);
        }
    }

    private static ApiError Exists(ValidTemplate valid) => ApiResults.Conflict("TEMPLATE_EXISTS",
        $"A {NotificationNames.Of(valid.Channel)} template for {NotificationNames.Of(valid.Event)} in '{valid.Locale}' already exists; replace it instead.");

    private static async Task<NotificationTemplate?> FindAsync(NotificationDbContext db, string id, bool tracked, CancellationToken ct)
    {
        if (!Ids.HasPrefix(id, "tpl"))
        {
            return null;
        }

        var query = tracked ? db.Templates : db.Templates.AsNoTracking();
        return await query.FirstOrDefaultAsync(t => t.Id == id, ct);
    }

    private static ApiError NotFound(string id) =>
        ApiResults.NotFound("TEMPLATE_NOT_FOUND", $"Template '{(id.Length <= 64 ? id : id[..64] + "…")}' does not exist.");
}
