using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Agora.Notification.Channels;

/// <summary>
/// SMS and push through the provider's HTTP webhook: a POST of JSON with the delivery id as <c>Idempotency-Key</c> (the
/// provider can drop a resend), and the API key as a bearer token when one is configured. 2xx is accepted; 408, 429
/// and 5xx are worth another try; any other 4xx is permanent.
/// </summary>
public sealed class WebhookChannel(NotificationChannel channel, IHttpClientFactory http, IOptionsMonitor<NotificationOptions> options)
    : INotificationChannel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public NotificationChannel Channel => channel;

    private WebhookChannelOptions Options => channel == NotificationChannel.Sms ? options.CurrentValue.Sms : options.CurrentValue.Push;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Options.WebhookUrl);

    public async Task SendAsync(OutgoingNotification notification, CancellationToken cancellationToken)
    {
        var n = notification;
        var o = Options;
        object payload = channel == NotificationChannel.Sms
            ? new SmsPayload(n.DeliveryId, NotificationNames.Of(n.EventType), n.CustomerId, n.OrderId, n.Locale, n.Body)
            : new PushPayload(n.DeliveryId, NotificationNames.Of(n.EventType), n.CustomerId, n.OrderId, n.Locale, n.Subject ?? "", n.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, o.WebhookUrl) { Content = JsonContent.Create(payload, payload.GetType(), options: Json) };
        request.Headers.Add("Idempotency-Key", n.DeliveryId);
        if (!string.IsNullOrEmpty(o.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", o.ApiKey);
        }

        using var response = await http.CreateClient(NotificationNames.Of(channel)).SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var message = $"The {NotificationNames.Of(channel)} provider answered {status}.";
        if (status is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
        {
            throw new PermanentDeliveryException(message);
        }

        throw new HttpRequestException(message, null, response.StatusCode);
    }

    /// <summary>What the SMS provider gets: the customer (it holds the number) and the text.</summary>
    public sealed record SmsPayload(string Id, string EventType, string CustomerId, string OrderId, string Locale, string Text);

    /// <summary>What the push provider gets: the customer (it holds the devices), a title and a body.</summary>
    public sealed record PushPayload(string Id, string EventType, string CustomerId, string OrderId, string Locale, string Title, string Body);
}
