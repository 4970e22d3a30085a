using Agora.Notification.Features.Templates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Agora.Notification.Channels;

/// <summary>
/// Email over SMTP with MailKit: an HTML body with a plain-text alternative, the delivery id as the Message-ID (so a
/// resend after a crash is recognisable), one connection per message (notifications are few; a relay does the rest).
/// </summary>
public sealed class EmailChannel(IOptionsMonitor<NotificationOptions> options) : INotificationChannel
{
    public NotificationChannel Channel => NotificationChannel.Email;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(options.CurrentValue.Smtp.Host);

    public async Task SendAsync(OutgoingNotification notification, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue.Smtp;
        if (!MailboxAddress.TryParse(notification.Recipient, out var to) || to.Address.IndexOf('@', StringComparison.Ordinal) <= 0)
        {
            throw new PermanentDeliveryException("The customer's email address is not valid.");
        }

        to.Name = TemplateText.OneLine(notification.CustomerName);
        using var message = new MimeMessage();
        message.From.Add(new MailboxAddress(o.FromName, o.From));
        message.To.Add(to);
        message.Subject = TemplateText.OneLine(notification.Subject ?? "");
        message.MessageId = notification.DeliveryId + "@agora.notification";
        message.Headers.Add("X-Agora-Notification", notification.DeliveryId);
        message.Headers.Add(HeaderId.ContentLanguage, notification.Locale);
        message.Body = new BodyBuilder
        {
            HtmlBody = notification.Body,
            TextBody = TemplateText.HtmlToText(notification.Body),
        }.ToMessageBody();

        using var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(o.Host ?? "", o.Port, o.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
            if (!string.IsNullOrEmpty(o.User))
            {
                await client.AuthenticateAsync(o.User, o.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (SmtpCommandException ex) when (ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted && (int)ex.StatusCode >= 500)
        {
            throw new PermanentDeliveryException($"The mail server refused the recipient ({(int)ex.StatusCode}).", ex);
        }
    }
}
