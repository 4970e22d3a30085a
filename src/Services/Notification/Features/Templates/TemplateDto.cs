using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;

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
public sealed class TemplateListQuery : CursorPageQuery
{
    [FromQuery(Name = "event_type"), MaxLength(40), Description("Only templates of this event.")] public string? EventType { get; init; }

    [FromQuery(Name = "channel"), MaxLength(10), Description("Only templates of this channel: email, sms or push.")] public string? Channel { get; init; }

    [FromQuery(Name = "locale"), MaxLength(10), Description("Only templates of this locale.")] public string? Locale { get; init; }
}
