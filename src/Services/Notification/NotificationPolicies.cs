using Agora.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authorization;

namespace Agora.Notification;

/// <summary>
/// Who may see what: a customer's own notifications with <c>read:notifications</c> (others' are 404); staff (role
/// <c>admin</c>) every notification and the templates, which only staff may read or change.
/// </summary>
internal static class NotificationPolicies
{
    public const string Read = "notifications:read";
    public const string Admin = "notifications:admin";

    public const string ReadScope = "read:notifications";

    public static AuthorizationBuilder AddNotificationPolicies(this AuthorizationBuilder builder) => builder
        .AddScopeOrRolePolicy(Read, [ReadScope], [AgoraRoles.Admin])
        .AddScopeOrRolePolicy(Admin, [], [AgoraRoles.Admin]);
}
