namespace Agora.Notification.Channels;

/// <summary>One rendered notification, ready for its channel.</summary>
/// <param name="DeliveryId">The delivery log row (<c>ntf_…</c>); providers get it as an idempotency key.</param>
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
