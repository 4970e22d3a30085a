using Microsoft.AspNetCore.Authorization;
using OpenIddict.Validation.AspNetCore;

namespace Agora.Identity.Features.Users;

/// <summary>
/// Identity's staff operations (signing keys, clients, dead letters; API keys add their own check): a user token with
/// the <c>admin:ops</c> scope and the admin role in its <c>roles</c> claim, AND a user whose account, read now from the
/// database, has the admin role. Either alone is
/// not enough: a role without the scope is a token a third-party app may hold; a scope without the role is a
/// demoted admin's leftover token.
/// </summary>
internal static class StaffAuthorization
{
    public const string Policy = "identity:staff";

    /// <summary>
    /// The staff policy, and the same rule for the shared dead-letter admin API (MapDefaultEndpoints): staff by this
    /// server's own access tokens, as the signing-keys admin API; its default policy would ask for the JwtBearer scheme,
    /// which Identity has not.
    /// </summary>
    public static AuthorizationBuilder AddStaffPolicies(this AuthorizationBuilder builder) =>
        builder.AddPolicy(Policy, RequireStaff).AddPolicy(DeadLetterAdminApi.Policy, RequireStaff);

    /// <summary>
    /// A bearer access token of this server (OpenIddict validation): every Identity policy starts here, so a login cookie
    /// is never enough and a browser session cannot be ridden by another site.
    /// </summary>
    public static AuthorizationPolicyBuilder RequireIdentityToken(this AuthorizationPolicyBuilder policy) =>
        policy.AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme).RequireAuthenticatedUser();

    private static void RequireStaff(AuthorizationPolicyBuilder policy) => policy.RequireIdentityToken()
        // The role in the token (only first-party clients granted the roles scope carry it) AND in the account now.
        .RequireClaim("roles", AgoraRoles.Admin)
        .RequireAssertion(c => c.User.HasScope(AgoraScopes.AdminOps) && Caller.IsUserToken(c.User))
        .AddRequirements(new StaffRoleRequirement());
}

/// <summary>The caller's account has the admin role and is active, now.</summary>
internal sealed class StaffRoleRequirement : AuthorizationHandler<StaffRoleRequirement>, IAuthorizationRequirement
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, StaffRoleRequirement requirement)
    {
        if (context.Resource is not HttpContext http || context.User.GetClaim(Claims.Subject) is not { } subject)
        {
            return;
        }

        var db = http.RequestServices.GetRequiredService<IdentityDbContext>();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == subject && u.Status == UserStatus.Active, http.RequestAborted);
        if (user is not null && user.RoleList.Contains(AgoraRoles.Admin))
        {
            context.Succeed(requirement);
        }
    }
}
