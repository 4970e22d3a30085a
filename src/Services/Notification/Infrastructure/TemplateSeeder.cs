using Agora.Http;
using Agora.Primitives;
using Agora.Storage;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notification.Infrastructure;

/// <summary>
/// The starting templates, in Korean and English, for every event on every channel. Written once, into an empty
/// template table: after that the templates are the staff's (a deleted one stays deleted across restarts).
/// </summary>
internal sealed partial class TemplateSeeder(TimeProvider clock, ILogger<TemplateSeeder> logger) : IDataSeeder<NotificationDbContext>
{
    private const string Footer = "<p style=\"color:#888\">Agora</p>";

    /// <summary>(event, channel, locale, subject, body).</summary>
    internal static readonly (NotificationEvent Event, NotificationChannel Channel, string Locale, string? Subject, string Body)[] Defaults =
    [
        // OrderConfirmed
        (NotificationEvent.OrderConfirmed, NotificationChannel.Email, "ko", "[Agora] 주문이 확정되었습니다 ({{order_id}})",
            "<p>{{customer_name}}님, 안녕하세요.</p><p>주문 <strong>{{order_id}}</strong>이(가) 확정되었습니다.</p>"
            + "<p>주문 상품: {{items}}<br>결제 금액: {{total}}</p><p>Agora를 이용해 주셔서 감사합니다.</p>" + Footer),
        (NotificationEvent.OrderConfirmed, NotificationChannel.Email, "en", "[Agora] Your order {{order_id}} is confirmed",
            "<p>Hello {{customer_name}},</p><p>Your order <strong>{{order_id}}</strong> is confirmed.</p>"
            + "<p>Items: {{items}}<br>Total: {{total}}</p><p>Thank you for shopping at Agora.</p>" + Footer),
        (NotificationEvent.OrderConfirmed, NotificationChannel.Sms, "ko", null, "[Agora] {{customer_name}}님, 주문 {{order_id}}이(가) 확정되었습니다. 결제 금액 {{total}}"),
        (NotificationEvent.OrderConfirmed, NotificationChannel.Sms, "en", null, "[Agora] {{customer_name}}, your order {{order_id}} is confirmed. Total {{total}}"),
        (NotificationEvent.OrderConfirmed, NotificationChannel.Push, "ko", "주문 확정", "주문 {{order_id}}이(가) 확정되었습니다. 결제 금액 {{total}}"),
        (NotificationEvent.OrderConfirmed, NotificationChannel.Push, "en", "Order confirmed", "Your order {{order_id}} is confirmed. Total {{total}}"),

        // OrderCancelled
        (NotificationEvent.OrderCancelled, NotificationChannel.Email, "ko", "[Agora] 주문이 취소되었습니다 ({{order_id}})",
            "<p>{{customer_name}}님, 안녕하세요.</p><p>주문 <strong>{{order_id}}</strong>이(가) 취소되었습니다.</p>"
            + "<p>사유: {{reason}}</p><p>결제된 금액은 환불됩니다.</p>" + Footer),
        (NotificationEvent.OrderCancelled, NotificationChannel.Email, "en", "[Agora] Your order {{order_id}} was cancelled",
            "<p>Hello {{customer_name}},</p><p>Your order <strong>{{order_id}}</strong> was cancelled.</p>"
            + "<p>Reason: {{reason}}</p><p>Anything you paid will be refunded.</p>" + Footer),
        (NotificationEvent.OrderCancelled, NotificationChannel.Sms, "ko", null, "[Agora] 주문 {{order_id}}이(가) 취소되었습니다. 사유: {{reason}}"),
        (NotificationEvent.OrderCancelled, NotificationChannel.Sms, "en", null, "[Agora] Your order {{order_id}} was cancelled: {{reason}}"),
        (NotificationEvent.OrderCancelled, NotificationChannel.Push, "ko", "주문 취소", "주문 {{order_id}}이(가) 취소되었습니다. 사유: {{reason}}"),
        (NotificationEvent.OrderCancelled, NotificationChannel.Push, "en", "Order cancelled", "Your order {{order_id}} was cancelled: {{reason}}"),

        // OrderPaymentFailed
        (NotificationEvent.OrderPaymentFailed, NotificationChannel.Email, "ko", "[Agora] 결제에 실패했습니다 ({{order_id}})",
            "<p>{{customer_name}}님, 안녕하세요.</p><p>주문 <strong>{{order_id}}</strong>의 결제({{total}})에 실패했습니다.</p>"
            + "<p>사유: {{reason}}</p><p>다른 결제 수단으로 다시 주문해 주세요.</p>" + Footer),
        (NotificationEvent.OrderPaymentFailed, NotificationChannel.Email, "en", "[Agora] Payment for order {{order_id}} failed",
            "<p>Hello {{customer_name}},</p><p>We could not take the payment of {{total}} for your order <strong>{{order_id}}</strong>.</p>"
            + "<p>Reason: {{reason}}</p><p>Please order again with another payment method.</p>" + Footer),
        (NotificationEvent.OrderPaymentFailed, NotificationChannel.Sms, "ko", null, "[Agora] 주문 {{order_id}}의 결제({{total}})에 실패했습니다. 사유: {{reason}}"),
        (NotificationEvent.OrderPaymentFailed, NotificationChannel.Sms, "en", null, "[Agora] Payment of {{total}} for order {{order_id}} failed: {{reason}}"),
        (NotificationEvent.OrderPaymentFailed, NotificationChannel.Push, "ko", "결제 실패", "주문 {{order_id}}의 결제에 실패했습니다. 사유: {{reason}}"),
        (NotificationEvent.OrderPaymentFailed, NotificationChannel.Push, "en", "Payment failed", "Payment for order {{order_id}} failed: {{reason}}"),

        // OrderShipped
        (NotificationEvent.OrderShipped, NotificationChannel.Email, "ko", "[Agora] 주문하신 상품이 발송되었습니다 ({{order_id}})",
            "<p>{{customer_name}}님, 안녕하세요.</p><p>주문 <strong>{{order_id}}</strong>의 상품이 발송되었습니다.</p>"
            + "<p>택배사: {{carrier}}<br>운송장 번호: {{tracking_number}}</p>" + Footer),
        (NotificationEvent.OrderShipped, NotificationChannel.Email, "en", "[Agora] Your order {{order_id}} has shipped",
            "<p>Hello {{customer_name}},</p><p>Your order <strong>{{order_id}}</strong> is on its way.</p>"
            + "<p>Carrier: {{carrier}}<br>Tracking number: {{tracking_number}}</p>" + Footer),
        (NotificationEvent.OrderShipped, NotificationChannel.Sms, "ko", null, "[Agora] 주문 {{order_id}} 발송 완료. {{carrier}} 운송장 번호 {{tracking_number}}"),
        (NotificationEvent.OrderShipped, NotificationChannel.Sms, "en", null, "[Agora] Order {{order_id}} has shipped with {{carrier}}, tracking number {{tracking_number}}"),
        (NotificationEvent.OrderShipped, NotificationChannel.Push, "ko", "상품 발송", "주문 {{order_id}}이(가) 발송되었습니다. {{carrier}} {{tracking_number}}"),
        (NotificationEvent.OrderShipped, NotificationChannel.Push, "en", "Order shipped", "Order {{order_id}} has shipped: {{carrier}} {{tracking_number}}"),

        // OrderDelivered
        (NotificationEvent.OrderDelivered, NotificationChannel.Email, "ko", "[Agora] 배송이 완료되었습니다 ({{order_id}})",
            "<p>{{customer_name}}님, 안녕하세요.</p><p>주문 <strong>{{order_id}}</strong>의 배송이 완료되었습니다.</p>"
            + "<p>상품은 마음에 드셨나요? 리뷰를 남겨 주세요.</p>" + Footer),
        (NotificationEvent.OrderDelivered, NotificationChannel.Email, "en", "[Agora] Your order {{order_id}} was delivered",
            "<p>Hello {{customer_name}},</p><p>Your order <strong>{{order_id}}</strong> was delivered.</p>"
            + "<p>We hope you like it. Tell others with a review.</p>" + Footer),
        (NotificationEvent.OrderDelivered, NotificationChannel.Sms, "ko", null, "[Agora] 주문 {{order_id}}의 배송이 완료되었습니다."),
        (NotificationEvent.OrderDelivered, NotificationChannel.Sms, "en", null, "[Agora] Your order {{order_id}} was delivered."),
        (NotificationEvent.OrderDelivered, NotificationChannel.Push, "ko", "배송 완료", "주문 {{order_id}}의 배송이 완료되었습니다."),
        (NotificationEvent.OrderDelivered, NotificationChannel.Push, "en", "Delivered", "Your order {{order_id}} was delivered."),
    ];

    public async Task SeedAsync(NotificationDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Templates.AnyAsync(cancellationToken))
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (type, channel, locale, subject, body) in Defaults)
        {
            db.Templates.Add(new NotificationTemplate
            {
                Id = Ids.New("tpl"),
                EventType = type,
                Channel = channel,
                Locale = locale,
                Subject = subject,
                Body = body,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            LogSeeded(logger, Defaults.Length);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Another replica seeded them first.
            db.ChangeTracker.Clear();
        }
    }

    [LoggerMessage(EventId = 6100, Level = LogLevel.Information, Message = "Seeded {Count} notification templates (ko, en)")]
    private static partial void LogSeeded(ILogger logger, int count);
}
