using Microsoft.AspNetCore.Authorization;

namespace Agora.Notification;

/// <summary>
/// Who may see what: a customer's own notifications with <c>read:notifications</c> (others' are 404); staff (role
/// <c>admin</c> AND scope <c>admin:ops</c>) every notification and the templates, which only staff may read or change.
/// The role without the scope is not staff: a token a third-party client received for an admin cannot rewrite the
/// templates every customer's mail is made of.
/// </summary>
internal static class NotificationPolicies
{
    public const string Read = "notifications:read";
    public const string Admin = "notifications:admin";

    /// <summary>Staff acting as staff: they see every customer's notifications.</summary>
    public static bool IsStaff(ClaimsPrincipal user) => user.IsStaff(AgoraScopes.AdminOps);

    public static AuthorizationBuilder AddNotificationPolicies(this AuthorizationBuilder builder) => builder
        .AddCustomerPolicy(Read, [AgoraScopes.ReadNotifications], staffScopes: [AgoraScopes.AdminOps])
        .AddStaffPolicy(Admin, AgoraScopes.AdminOps);
}
