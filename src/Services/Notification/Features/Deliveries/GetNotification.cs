namespace Agora.Notification.Features.Deliveries;

/// <summary><c>GET /api/v1/notifications/{id}</c>: one notification; another customer's is 404.</summary>
internal static class GetNotification
{
    public static async Task<Results<ApiOk<NotificationDto>, ApiError>> Handle(
        string id, ClaimsPrincipal user, NotificationDbContext db, CancellationToken ct)
    {
        var delivery = Ids.HasPrefix(id, "ntf") ? await db.Deliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct) : null;
        var staff = NotificationPolicies.IsStaff(user);
        return delivery is not null && (staff || (delivery.CustomerId.Length > 0 && delivery.CustomerId == user.FindFirst(AgoraClaims.Subject)?.Value))
            ? ApiResults.Ok(NotificationDto.From(delivery, staff))
            : ApiResults.NotFound("NOTIFICATION_NOT_FOUND", $"Notification '{(id.Length <= 64 ? id : id[..64] + "…")}' does not exist.");
    }
}
