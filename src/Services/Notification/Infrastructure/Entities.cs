namespace Agora.Notification.Infrastructure;

/// <summary>The order events customers are told about. On the wire: snake_case (<c>order_confirmed</c>).</summary>
public enum NotificationEvent
{
    OrderConfirmed,
    OrderCancelled,
    OrderPaymentFailed,
    OrderShipped,
    OrderDelivered,
}

/// <summary>How a notification reaches the customer.</summary>
public enum NotificationChannel
{
    Email,
    Sms,
    Push,
}

/// <summary>Where one delivery stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Being sent (or not tried yet).</summary>
    Pending,

    /// <summary>The channel's provider accepted it; final.</summary>
    Sent,

    /// <summary>The last attempt failed; the event's retries (or a replay) may still send it.</summary>
    Failed,
}

/// <summary>A message template for one event, channel and locale; placeholders are <c>{{name}}</c>.</summary>
public sealed class NotificationTemplate
{
    public required string Id { get; init; }
    public NotificationEvent EventType { get; set; }
    public NotificationChannel Channel { get; set; }
    public required string Locale { get; set; }

    /// <summary>Email subject or push title; none for SMS.</summary>
    public string? Subject { get; set; }

    /// <summary>HTML for email (values are HTML-escaped into it), plain text for SMS and push.</summary>
    public required string Body { get; set; }

    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Concurrency token and ETag source.</summary>
    public int Version { get; set; }
}

/// <summary>
/// The delivery log: one row per event and channel (unique), whatever happens. A redelivered event finds its row and
/// sends nothing twice; a failure leaves the attempts and the last error here.
/// </summary>
public sealed class Delivery
{
    public required string Id { get; init; }
    public Guid EventId { get; init; }
    public NotificationEvent EventType { get; init; }
    public NotificationChannel Channel { get; init; }
    public required string CustomerId { get; init; }
    public required string OrderId { get; init; }

    /// <summary>The email address, or the customer id for SMS and push (the provider knows the number or device).</summary>
    public required string Recipient { get; init; }

    public string? Locale { get; set; }
    public string? Subject { get; set; }
    public string? Body { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }

    /// <summary>The message envelope sending it now; another copy of the event keeps off until it is released.</summary>
    public Guid? ClaimedBy { get; set; }

    public DateTime? ClaimedUntil { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? SentAt { get; set; }
}
