using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Notification.Features.Deliveries;

/// <summary>A notification as its customer sees it; <c>last_error</c> is shown to staff only.</summary>
public sealed record NotificationDto(
    [property: MaxLength(40)] string Id,
    [property: MaxLength(36)] string EventId,
    NotificationEvent EventType,
    NotificationChannel Channel,
    [property: MaxLength(100)] string CustomerId,
    [property: MaxLength(100)] string OrderId,
    [property: MaxLength(320)] string Recipient,
    [property: MaxLength(10)] string? Locale,
    [property: MaxLength(400)] string? Subject,
    [property: MaxLength(20000)] string? Body,
    DeliveryStatus Status,
    int Attempts,
    [property: MaxLength(1000)] string? LastError,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? SentAt)
{
    public static NotificationDto From(Delivery d, bool staff) => new(
        d.Id, d.EventId.ToString("D"), d.EventType, d.Channel, d.CustomerId, d.OrderId, d.Recipient, d.Locale, d.Subject, d.Body, d.Status,
        d.Attempts, staff ? d.LastError : null, d.CreatedAt, d.UpdatedAt, d.SentAt);
}

/// <summary>Query parameters of the notification list.</summary>
public sealed class NotificationListQuery : CursorPageQuery
{
    /// <summary>Staff only: this customer's notifications.</summary>
    [FromQuery(Name = "customer_id"), MaxLength(100), Description("Staff only: only this customer's notifications.")] public string? CustomerId { get; init; }

    /// <summary>Only those of this order.</summary>
    [FromQuery(Name = "order_id"), MaxLength(100), Description("Only the notifications about this order.")] public string? OrderId { get; init; }

    /// <summary><c>pending</c>, <c>sent</c> or <c>failed</c>.</summary>
    [FromQuery(Name = "status"), MaxLength(10), Description("Only those with this status: pending, sent or failed.")] public string? Status { get; init; }
}
