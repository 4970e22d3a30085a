namespace Agora.Notification.Channels;

/// <summary>One rendered notification, ready for its channel.</summary>
/// <param name="DeliveryId">The delivery log row (<c>ntf_…</c>); providers get it as an idempotency key.</param>
/// <param name="EventType">The order event the notification tells of.</param>
/// <param name="Channel">Email, SMS or push.</param>
/// <param name="CustomerId">The customer it is for.</param>
/// <param name="CustomerName">The customer's name (empty when unknown).</param>
/// <param name="OrderId">The order it is about.</param>
/// <param name="Recipient">Email: the email address; SMS and push: the customer id (the provider knows the number or device).</param>
/// <param name="Locale">The locale of the template that was rendered.</param>
/// <param name="Subject">The rendered subject (email) or title (push), if the template has one.</param>
/// <param name="Body">The rendered body: HTML for email, plain text otherwise.</param>
public sealed record OutgoingNotification(
    string DeliveryId,
    NotificationEvent EventType,
    NotificationChannel Channel,
    string CustomerId,
    string CustomerName,
    string OrderId,
    string Recipient,
    string Locale,
    string? Subject,
    string Body);

/// <summary>A way to reach customers: email, SMS, push.</summary>
public interface INotificationChannel
{
    NotificationChannel Channel { get; }

    /// <summary>Configured: a channel that is not is skipped without a trace in the delivery log.</summary>
    bool IsEnabled { get; }

    /// <summary>
    /// Hands the notification to the provider. Throws when it did not take it: <see cref="PermanentDeliveryException"/>
    /// when trying again cannot help, anything else when it may (the event is then retried).
    /// </summary>
    Task SendAsync(OutgoingNotification notification, CancellationToken cancellationToken);
}

/// <summary>A send that no retry can fix (no template, an address the provider refuses): logged as failed, not retried.</summary>
public sealed class PermanentDeliveryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A send that failed for now (provider down, timeout): the event fails so Wolverine retries it.</summary>
public sealed class NotificationDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
