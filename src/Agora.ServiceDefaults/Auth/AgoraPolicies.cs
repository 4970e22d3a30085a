using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;

namespace Agora.ServiceDefaults.Auth;

/// <summary>Claim types of Identity's access tokens, read as issued (no legacy claim-type mapping).</summary>
public static class AgoraClaims
{
    /// <summary>The user (or, for client credentials, the client) the token is about.</summary>
    public const string Subject = "sub";

    /// <summary>Granted scopes: one space-separated string (RFC 8693 §4.2), or several claims.</summary>
    public const string Scope = "scope";

    /// <summary>Roles: a JSON array or a single string (RFC 9068 §7.2.1.1).</summary>
    public const string Roles = "roles";

    /// <summary>OpenIddict's own name for roles; read too, so either spelling grants the role.</summary>
    public const string Role = "role";

    /// <summary>The OAuth client the token was issued to.</summary>
    public const string ClientId = "client_id";
}

/// <summary>Role names shared by every service.</summary>
public static class AgoraRoles
{
    /// <summary>Shop staff: may change anything.</summary>
    public const string Admin = "admin";
}

/// <summary>
/// Policies built from scopes and roles. A service names its policies and registers them with
/// <see cref="AddScopeOrRolePolicy"/>; endpoints use <c>RequireAuthorization(name)</c>, gRPC methods
/// <c>[Authorize(Policy = name)]</c>.
/// </summary>
public static class AgoraPolicies
{
    /// <summary>Registers a policy met by any of <paramref name="scopes"/> or any of <paramref name="roles"/>.</summary>
    public static AuthorizationBuilder AddScopeOrRolePolicy(
        this AuthorizationBuilder builder, string name, IReadOnlyCollection<string> scopes, IReadOnlyCollection<string> roles) =>
        builder.AddPolicy(name, p => p.RequireScopeOrRole(scopes, roles));

    /// <summary>An authenticated bearer token carrying any of <paramref name="scopes"/> or any of <paramref name="roles"/>.</summary>
    public static AuthorizationPolicyBuilder RequireScopeOrRole(
        this AuthorizationPolicyBuilder policy, IReadOnlyCollection<string> scopes, IReadOnlyCollection<string> roles) =>
        policy.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new ScopeOrRoleRequirement(scopes, roles));

    /// <summary>Whether the user was granted <paramref name="scope"/> (space-separated <c>scope</c> claims).</summary>
    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.FindAll(AgoraClaims.Scope).Any(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));

    /// <summary>Whether the user has <paramref name="role"/> (<c>roles</c> or <c>role</c> claims).</summary>
    public static bool HasRole(this ClaimsPrincipal user, string role) =>
        user.Claims.Any(c => (c.Type is AgoraClaims.Roles or AgoraClaims.Role) && string.Equals(c.Value, role, StringComparison.Ordinal));
}

/// <summary>
/// Met by any one of the scopes or roles. Scopes are what a client was granted (a service's client-credentials token);
/// roles are what a user is (staff). Being its own handler, it needs no registration.
/// </summary>
public sealed class ScopeOrRoleRequirement(IReadOnlyCollection<string> scopes, IReadOnlyCollection<string> roles)
    : AuthorizationHandler<ScopeOrRoleRequirement>, IAuthorizationRequirement
{
    /// <summary>Scopes, any of which grants access.</summary>
    public IReadOnlyCollection<string> Scopes { get; } = scopes;

    /// <summary>Roles, any of which grants access.</summary>
    public IReadOnlyCollection<string> Roles { get; } = roles;

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeOrRoleRequirement requirement)
    {
        if (Scopes.Any(context.User.HasScope) || Roles.Any(context.User.HasRole))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Requires one of scopes [{string.Join(", ", Scopes)}] or roles [{string.Join(", ", Roles)}]";
}
