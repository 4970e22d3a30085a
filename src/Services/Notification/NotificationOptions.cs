using System.ComponentModel.DataAnnotations;

namespace Agora.Notification;

/// <summary><c>Notification</c> section: the channels' transports and which channels each event uses.</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notification";

    /// <summary>Email over SMTP. Disabled while <see cref="SmtpOptions.Host"/> is empty.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>SMS through the provider's HTTP webhook. Disabled while its URL is empty.</summary>
    public WebhookChannelOptions Sms { get; set; } = new();

    /// <summary>Push through the provider's HTTP webhook. Disabled while its URL is empty.</summary>
    public WebhookChannelOptions Push { get; set; } = new();

    /// <summary>
    /// Channels per event type (<c>OrderShipped: ["email", "sms"]</c>). An event left out uses the default: email for
    /// every event, plus sms for <c>OrderShipped</c> and <c>OrderPaymentFailed</c>. A disabled channel is skipped quietly.
    /// </summary>
    public Dictionary<string, string[]> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The locale used when a customer's has no template. Default <c>en</c>.</summary>
    [Required, RegularExpression("^[a-z]{2}(-[A-Z]{2})?$")]
    public string FallbackLocale { get; set; } = "en";

    /// <summary>
    /// How long one handling of an event owns a delivery while it sends; another copy of the event skips it meanwhile.
    /// After it (a process that died mid-send), the delivery may be taken over. Default 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan DeliveryLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The channels an event is sent on, before checking which are enabled.</summary>
    public IReadOnlyList<NotificationChannel> ChannelsFor(NotificationEvent type)
    {
        if (Channels.TryGetValue(type.ToString(), out var configured))
        {
            return configured.Select(c => NotificationNames.TryParseChannel(c, out var ch) ? ch : (NotificationChannel?)null)
                .OfType<NotificationChannel>().Distinct().ToList();
        }

        return type is NotificationEvent.OrderShipped or NotificationEvent.OrderPaymentFailed
            ? [NotificationChannel.Email, NotificationChannel.Sms]
            : [NotificationChannel.Email];
    }
}

/// <summary><c>Notification:Smtp</c>.</summary>
public sealed class SmtpOptions
{
    /// <summary>The SMTP server. Empty (the default) disables email.</summary>
    public string? Host { get; set; }

    /// <summary>Its port. Default 25.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>The sender's address. Default <c>no-reply@agora.example</c>.</summary>
    [Required, EmailAddress]
    public string From { get; set; } = "no-reply@agora.example";

    /// <summary>The sender's display name. Default <c>Agora</c>.</summary>
    public string FromName { get; set; } = "Agora";

    /// <summary>User name for SMTP AUTH; none when empty (the default).</summary>
    public string? User { get; set; }

    /// <summary>Password for SMTP AUTH.</summary>
    public string? Password { get; set; }

    /// <summary>Require STARTTLS (fail rather than send in clear). Default false: plain SMTP, as to a local relay.</summary>
    public bool StartTls { get; set; }

    /// <summary>Timeout of one SMTP operation. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary><c>Notification:Sms</c> and <c>Notification:Push</c>: a provider reached by an HTTP POST of JSON.</summary>
public sealed class WebhookChannelOptions
{
    /// <summary>Where to POST. Empty (the default) disables the channel.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer …</c> when set.</summary>
    public string? ApiKey { get; set; }
}
