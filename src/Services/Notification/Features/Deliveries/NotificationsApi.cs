using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Agora.Http;
using Agora.Auth;
using Agora.Notification.Infrastructure;
using Agora.Primitives;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Validator = Agora.Http.Validator;

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
public sealed class NotificationListQuery
{
    /// <summary>Staff only: this customer's notifications.</summary>
    [FromQuery(Name = "customer_id"), MaxLength(100), Description("Staff only: only this customer's notifications.")] public string? CustomerId { get; init; }

    /// <summary>Only those of this order.</summary>
    [FromQuery(Name = "order_id"), MaxLength(100), Description("Only the notifications about this order.")] public string? OrderId { get; init; }

    /// <summary><c>pending</c>, <c>sent</c> or <c>failed</c>.</summary>
    [FromQuery(Name = "status"), MaxLength(10), Description("Only those with this status: pending, sent or failed.")] public string? Status { get; init; }

    /// <summary>Items per page, 1–100, default 20.</summary>
    [FromQuery(Name = "per_page"), Range(1, Paging.MaxPerPage), Description("Items per page. Default 20.")] public int? PerPage { get; init; }

    /// <summary>Opaque cursor from <c>pagination.next_cursor</c>.</summary>
    [FromQuery(Name = "cursor"), MaxLength(512), RegularExpression("^[A-Za-z0-9_-]+$"), Description("Opaque cursor from pagination.next_cursor.")] public string? Cursor { get; init; }
}

/// <summary><c>/api/v1/notifications</c>: the delivery log, a customer's own (token <c>sub</c>), or anyone's for staff.</summary>
internal static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/notifications").WithTags("Notifications").RequireAuthorization(NotificationPolicies.Read);
        group.MapGet("/", List).WithName("ListNotifications")
            .WithSummary("The caller's notifications, newest first, cursor-paged")
            .WithDescription("Every email, SMS and push sent (or being sent) to the caller: the customer is the token's sub. "
                + "Staff see everyone's and may filter by customer_id.")
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapGet("/{id}", Get).WithName("GetNotification")
            .WithSummary("One notification")
            .WithDescription("One notification with its content and delivery status. Another customer's is 404.")
            .ProducesError(StatusCodes.Status404NotFound, "NOTIFICATION_NOT_FOUND");
        return app;
    }

    /// <summary>Keyset position: the last item's creation time (ticks) and id.</summary>
    internal sealed record Position([property: System.Text.Json.Serialization.JsonConverter(typeof(CursorTicksConverter))] long T, string Id);

    internal static async Task<Results<ApiOk<IReadOnlyList<NotificationDto>>, ApiError>> List(
        [AsParameters] NotificationListQuery query, ClaimsPrincipal user, NotificationDbContext db, CancellationToken ct)
    {
        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, null, query.Cursor, v);
        Position? after = null;
        if (!string.IsNullOrEmpty(query.Cursor) && !Paging.TryDecodeCursor(query.Cursor, out after))
        {
            v.Add("cursor", "Invalid cursor; use pagination.next_cursor of a previous page.");
        }

        DeliveryStatus? status = null;
        if (!string.IsNullOrEmpty(query.Status))
        {
            if (Enum.TryParse<DeliveryStatus>(query.Status, ignoreCase: true, out var s) && !int.TryParse(query.Status, out _))
            {
                status = s;
            }
            else
            {
                v.Add("status", "One of pending, sent, failed.");
            }
        }

        if (!v.IsValid)
        {
            return v.ToError();
        }

        var staff = NotificationPolicies.IsStaff(user);
        var subject = user.FindFirst(AgoraClaims.Subject)?.Value ?? "";
        if (!staff && query.CustomerId is { Length: > 0 } other && other != subject)
        {
            return ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Only staff may list another customer's notifications.");
        }

        var filtered = db.Deliveries.AsNoTracking();
        var customer = staff ? query.CustomerId : subject;
        if (!string.IsNullOrEmpty(customer))
        {
            filtered = filtered.Where(d => d.CustomerId == customer);
        }
        else if (!staff)
        {
            filtered = filtered.Where(_ => false);
        }

        if (!string.IsNullOrEmpty(query.OrderId))
        {
            filtered = filtered.Where(d => d.OrderId == query.OrderId);
        }

        if (status is { } st)
        {
            filtered = filtered.Where(d => d.Status == st);
        }

        var total = await filtered.LongCountAsync(ct);
        var page = filtered;
        if (after is not null)
        {
            var at = new DateTime(after.T, DateTimeKind.Utc);
            page = page.Where(d => d.CreatedAt < at || (d.CreatedAt == at && string.Compare(d.Id, after.Id) < 0));
        }

        var items = await page.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(perPage + 1).ToListAsync(ct);
        string? next = null;
        if (items.Count > perPage)
        {
            items.RemoveAt(perPage);
            next = Paging.EncodeCursor(new Position(items[^1].CreatedAt.Ticks, items[^1].Id));
        }

        return ApiResults.Page<NotificationDto>(items.Select(d => NotificationDto.From(d, staff)).ToList(), Paging.Info(perPage, total, next));
    }

    internal static async Task<Results<ApiOk<NotificationDto>, ApiError>> Get(
        string id, ClaimsPrincipal user, NotificationDbContext db, CancellationToken ct)
    {
        var delivery = Ids.HasPrefix(id, "ntf") ? await db.Deliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct) : null;
        var staff = NotificationPolicies.IsStaff(user);
        return delivery is not null && (staff || (delivery.CustomerId.Length > 0 && delivery.CustomerId == user.FindFirst(AgoraClaims.Subject)?.Value))
            ? ApiResults.Ok(NotificationDto.From(delivery, staff))
            : ApiResults.NotFound("NOTIFICATION_NOT_FOUND", $"Notification '{(id.Length <= 64 ? id : id[..64] + "…")}' does not exist.");
    }
}
