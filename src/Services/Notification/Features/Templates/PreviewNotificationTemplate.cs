using System.ComponentModel.DataAnnotations;
using Agora.Contracts.Orders;
using Agora.Notification.Features.Deliveries;

namespace Agora.Notification.Features.Templates;

/// <summary>A template filled with a sample order, as the customer would receive it.</summary>
/// <param name="Locale">The sample customer's locale (the template's).</param>
/// <param name="Subject">The email subject or push title, filled; none for SMS.</param>
/// <param name="Body">The body, filled: HTML for email (every value escaped, as when sent), text for SMS and push.</param>
/// <param name="Text">The email's text/plain alternative, as sent beside the HTML; for SMS and push the body again.</param>
public sealed record TemplatePreviewDto(
    [property: MaxLength(10)] string Locale,
    [property: MaxLength(TemplateLimits.Subject)] string? Subject,
    [property: MaxLength(TemplateLimits.Body * 4)] string Body,
    [property: MaxLength(TemplateLimits.Body * 4)] string Text);

/// <summary>
/// <c>POST /api/v1/admin/notification-templates/preview</c>: a draft template (the body a POST or PUT would take, nothing
/// saved) filled with a sample order of its event, in its locale's sample language (Korean for <c>ko</c>, English
/// otherwise), by the same code that fills a real notification. Invalid drafts get the 422 a save would get.
/// </summary>
internal static class PreviewNotificationTemplate
{
    public static Results<ApiOk<TemplatePreviewDto>, ApiError> Handle(TemplateInput input, TimeProvider clock)
    {
        var (valid, error) = TemplateRules.Validate(input);
        if (error is not null)
        {
            return error;
        }

        var model = Sample(valid!.Event, valid.Locale, clock.GetUtcNow());
        var (subject, body) = TemplateText.Fill(valid.Subject, valid.Body, valid.Channel, model.Values);
        var text = valid.Channel == NotificationChannel.Email ? TemplateText.HtmlToText(body) : body;
        return ApiResults.Ok(new TemplatePreviewDto(valid.Locale, subject, body, text));
    }

    /// <summary>The sample order: a customer, two lines, a carrier, a reason, in Korean or English.</summary>
    internal static NotificationModel Sample(NotificationEvent type, string locale, DateTimeOffset now)
    {
        var korean = locale.StartsWith("ko", StringComparison.OrdinalIgnoreCase);
        var customer = new CustomerContact("usr_sample", "customer@example.com", korean ? "김민지" : "Alex Kim", locale);
        const string order = "ord_0123456789abcdef";
        OrderLine[] lines =
        [
            new("prd_sample_1", "KT-1", korean ? "전기 주전자" : "Electric kettle", 2, 20_000m, "KRW"),
            new("prd_sample_2", "MG-1", korean ? "머그컵" : "Mug", 1, 10_000m, "KRW"),
        ];
        var reason = korean ? "결제가 거절되었습니다" : "payment declined";
        var id = Guid.Empty;
        return type switch
        {
            NotificationEvent.OrderConfirmed => NotificationModel.From(new OrderConfirmed(id, now, order, customer, lines, 50_000m, "KRW")),
            NotificationEvent.OrderCancelled => NotificationModel.From(new OrderCancelled(id, now, order, customer, reason)),
            NotificationEvent.OrderPaymentFailed => NotificationModel.From(new OrderPaymentFailed(id, now, order, customer, 50_000m, "KRW", reason)),
            NotificationEvent.OrderShipped => NotificationModel.From(new OrderShipped(id, now, order, customer, "CJ Logistics", "CJ1234567890")),
            _ => NotificationModel.From(new OrderDelivered(id, now, order, customer)),
        };
    }
}
