using Validator = Agora.Http.Validator;

namespace Agora.Notification.Features.Templates;

/// <summary>What the template operations share: validation, the uniqueness check on save, lookup and the not-found error.</summary>
internal static class TemplateRules
{
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
    public static async Task<ApiError?> SaveAsync(NotificationDbContext db, ValidTemplate valid, string self, CancellationToken ct)
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

    public static ApiError Exists(ValidTemplate valid) => ApiResults.Conflict("TEMPLATE_EXISTS",
        $"A {NotificationNames.Of(valid.Channel)} template for {NotificationNames.Of(valid.Event)} in '{valid.Locale}' already exists; replace it instead.");

    public static async Task<NotificationTemplate?> FindAsync(NotificationDbContext db, string id, bool tracked, CancellationToken ct)
    {
        if (!Ids.HasPrefix(id, "tpl"))
        {
            return null;
        }

        var query = tracked ? db.Templates : db.Templates.AsNoTracking();
        return await query.FirstOrDefaultAsync(t => t.Id == id, ct);
    }

    public static ApiError NotFound(string id) =>
        ApiResults.NotFound("TEMPLATE_NOT_FOUND", $"Template '{(id.Length <= 64 ? id : id[..64] + "…")}' does not exist.");
}
