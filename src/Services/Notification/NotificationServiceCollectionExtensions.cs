using Agora.Notification.Channels;
using Agora.Notification.Features.Deliveries;
using Agora.ServiceDefaults.Tls;

namespace Agora.Notification;

internal static partial class NotificationServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddNotification(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<NotificationOptions>(NotificationOptions.SectionName)
            .Validate(o => o.Channels.Keys.All(k => NotificationNames.TryParseEvent(k, out _))
                    && o.Channels.Values.All(v => v.All(c => NotificationNames.TryParseChannel(c, out _))),
                "Notification:Channels maps event types (OrderConfirmed, …) to channels (email, sms, push).")
            .Validate(o => IsHttpUrlOrEmpty(o.Sms.WebhookUrl) && IsHttpUrlOrEmpty(o.Push.WebhookUrl),
                "Notification:Sms:WebhookUrl and Notification:Push:WebhookUrl must be absolute http(s) URLs (or empty to disable).");

        builder.Services.AddSingleton<INotificationChannel, EmailChannel>();
        builder.Services.AddSingleton<INotificationChannel>(sp => new WebhookChannel(
            NotificationChannel.Sms, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<IOptionsMonitor<NotificationOptions>>()));
        builder.Services.AddSingleton<INotificationChannel>(sp => new WebhookChannel(
            NotificationChannel.Push, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<IOptionsMonitor<NotificationOptions>>()));
        // The SMS and push providers' webhooks are outside the shop: public TLS, never the project CA (mutual TLS, issue 14).
        builder.Services.AddHttpClient(NotificationNames.Of(NotificationChannel.Sms)).UsePublicTls();
        builder.Services.AddHttpClient(NotificationNames.Of(NotificationChannel.Push)).UsePublicTls();
        builder.Services.AddSingleton<NotificationDispatcher>();
        builder.Services.AddScoped<IDataSeeder<NotificationDbContext>, TemplateSeeder>();
        builder.Services.AddHostedService<ChannelReport>();

        builder.Services
            .AddOpenApiTag("Notifications", "What customers were told about their orders, by email, SMS and push, with delivery status.")
            .AddOpenApiTag("Notification templates", "The messages per event, channel and locale (staff only).");
        builder.Services.AddAuthorizationBuilder().AddNotificationPolicies();
        return builder;
    }

    private static bool IsHttpUrlOrEmpty(string? value) =>
        string.IsNullOrEmpty(value)
        || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps));

    /// <summary>Says at start which channels are on, so a missing SMTP host is not a silent surprise.</summary>
    private sealed partial class ChannelReport(IEnumerable<INotificationChannel> channels, ILogger<ChannelReport> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var channel in channels)
            {
                LogChannel(logger, channel.Channel, channel.IsEnabled ? "enabled" : "disabled (not configured)");
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 6300, Level = LogLevel.Information, Message = "Notification channel {Channel}: {State}")]
        private static partial void LogChannel(ILogger logger, NotificationChannel channel, string state);
    }
}
