using Validator = Agora.Http.Validator;

namespace Agora.Notification.Features.Deliveries;

/// <summary><c>GET /api/v1/notifications</c>: the caller's notifications (staff: anyone's), newest first, cursor-paged.</summary>
internal static class ListNotifications
{
    /// <summary>Keyset position: the last item's creation time (ticks) and id.</summary>
    internal sealed record Position([property: System.Text.Json.Serialization.JsonConverter(typeof(CursorTicksConverter))] long T, string Id)
    {
        public (DateTime, string) At => (new DateTime(T, DateTimeKind.Utc), Id);
    }

    public static async Task<Results<ApiOk<IReadOnlyList<NotificationDto>>, ApiError>> Handle(
        [AsParameters] NotificationListQuery query, ClaimsPrincipal user, NotificationDbContext db, CancellationToken ct)
    {
        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, null, query.Cursor, v);
        var after = Keyset.ReadCursor<Position>(query.Cursor, v);

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
        var items = await filtered.OrderAfter(d => d.CreatedAt, d => d.Id, descending: true, after?.At)
            .Take(perPage + 1).ToListAsync(ct);
        var next = Keyset.TrimToPage(items, perPage, d => new Position(d.CreatedAt.Ticks, d.Id));

        return ApiResults.Page<NotificationDto>(items.Select(d => NotificationDto.From(d, staff)).ToList(), Paging.Info(perPage, total, next));
    }
}
