namespace Agora.Web.Features.Console;

/// <summary>
/// The template form (<c>/console/templates/{id}</c>) as posted: the whole template, the ETag it was read with, and
/// which button was pressed (<see cref="Preview"/> or <see cref="Save"/>).
/// </summary>
public sealed class TemplateDraft
{
    public const string Preview = "preview";
    public const string Save = "save";

    public string? EventType { get; set; }

    public string? Channel { get; set; }

    public string? Locale { get; set; }

    public string? Subject { get; set; }

    public string? Body { get; set; }

    /// <summary>The template's ETag when the form was first read: a save is <c>If-Match</c> on it.</summary>
    public string? ETag { get; set; }

    /// <summary>The button pressed: <see cref="Preview"/> or <see cref="Save"/>.</summary>
    public string? Action { get; set; }

    /// <summary>A template's fields as a draft, read with <paramref name="etag"/>.</summary>
    public static TemplateDraft From(NotificationTemplate template, string? etag) => new()
    {
        EventType = template.EventType, Channel = template.Channel, Locale = template.Locale, Subject = template.Subject,
        Body = template.Body, ETag = etag,
    };

    /// <summary>What the service's POST, PUT and preview take, in <paramref name="locale"/>; an empty subject is none (SMS).</summary>
    public TemplateInput Input(string? locale) =>
        new(EventType?.Trim(), Channel?.Trim(), locale?.Trim(), string.IsNullOrWhiteSpace(Subject) ? null : Subject, Body);

    /// <summary>Notification's template body (snake_case on the wire).</summary>
    public sealed record TemplateInput(string? EventType, string? Channel, string? Locale, string? Subject, string? Body);
}
