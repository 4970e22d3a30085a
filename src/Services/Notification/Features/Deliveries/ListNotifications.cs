using Validator = Agora.Http.Validator;

namespace Agora.Notification.Features.Deliveries;

/// <summary><c>GET /api/v1/notifications</c>: the caller's notifications (staff: anyone's), newest first, cursor-paged.</summary>
internal static class ListNotifications
{
    public static async Task<Results<ApiOk<IReadOnlyList<NotificationDto>>, ApiError>> Handle(
        [AsParameters] NotificationListQuery query, ClaimsPrincipal user, NotificationDbContext db, CancellationToken ct)
    {
        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, null, query.Cursor, v);
        var after = Keyset.ReadCursor<CreatedPosition>(query.Cursor, v);

        var status = v.Enum<DeliveryStatus>(query.Status, "status", "One of pending, sent, failed.");

        if (!v.IsValid)
        {
            return v.ToError();
        }

        var staff = NotificationPolicies.IsStaff(user);
        var filtered = db.Deliveries.AsNoTracking()
            .OwnedBy(d => d.CustomerId, user.FindFirst(AgoraClaims.Subject)?.Value ?? "", staff, query.CustomerId);
        if (filtered is null)
        {
            return ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Only staff may list another customer's notifications.");
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
        var next = Keyset.TrimToPage(items, perPage, d => CreatedPosition.Of(d.CreatedAt, d.Id));

        return ApiResults.Page<NotificationDto>(items.Select(d => NotificationDto.From(d, staff)).ToList(), Paging.Info(perPage, total, next));
    }
}
