namespace Agora.Identity.Features.Users;

/// <summary>
/// Who may do what with users and addresses (OWASP API1, broken object level authorization).
/// <list type="bullet">
/// <item>Every endpoint but registration needs a bearer access token from this server (OpenIddict validation; a login
/// cookie is never enough, so a browser session cannot be ridden by another site): none → 401.</item>
/// <item>Reads need the <c>read:users</c> scope, changes <c>write:users</c>, for users and services alike: authenticated
/// without it → 403.</item>
/// <item>A user token acts on its own subject; with the <c>admin</c> role (read from the database, not the token, so a
/// revoked role stops at once) on anyone. Another user's account or address is answered 404, exactly as if it did not
/// exist, so ids cannot be probed; listing all users is 403 (the collection's existence is no secret).</item>
/// <item>A service token (client credentials) may read any user and address and create users; it cannot change
/// them (403).</item>
/// </list>
/// </summary>
internal static class UsersAuthorization
{
    public const string ReadPolicy = "users:read";
    public const string WritePolicy = "users:write";

    /// <summary>gRPC <c>UserService</c>: service tokens only (client credentials), never a user's token.</summary>
    public const string ServicePolicy = "users:service";

    public static IHostApplicationBuilder AddUsersAuthorization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.RequireIdentityToken().RequireAssertion(c => c.User.HasScope(AgoraScopes.ReadUsers)))
            .AddPolicy(WritePolicy, p => p.RequireIdentityToken().RequireAssertion(c => c.User.HasScope(AgoraScopes.WriteUsers)))
            .AddPolicy(ServicePolicy, p => p.RequireIdentityToken().RequireAssertion(c => !Caller.IsUserToken(c.User)))
            .AddStaffPolicies();
        return builder;
    }
}

/// <summary>The authenticated caller of a users endpoint.</summary>
/// <param name="Subject">The token's <c>sub</c>: a user id, or a client id for service tokens.</param>
/// <param name="User">The caller's own account (tracked), for user tokens; null for service tokens.</param>
internal sealed record Caller(string Subject, User? User)
{
    public bool IsService => User is null;

    public bool IsAdmin => User is not null && User.RoleList.Contains(AgoraRoles.Admin);

    /// <summary>A user token: its subject is a user id, and not the client itself (client credentials).</summary>
    public static bool IsUserToken(ClaimsPrincipal principal)
    {
        var subject = principal.GetClaim(Claims.Subject);
        return subject is not null && subject.StartsWith("usr_", StringComparison.Ordinal)
            && !string.Equals(subject, principal.GetClaim(Claims.ClientId), StringComparison.Ordinal);
    }

    /// <summary>
    /// The caller, with a user token's account loaded: 401 when that account is gone, 403 when it is suspended (its
    /// access token may live up to 15 minutes after the suspension; refresh is refused at once).
    /// </summary>
    public static async Task<(Caller? Caller, ApiError? Error)> ResolveAsync(ClaimsPrincipal principal, IdentityDbContext db, CancellationToken ct)
    {
        var subject = principal.GetClaim(Claims.Subject) ?? "";
        if (!IsUserToken(principal))
        {
            return (new Caller(subject, null), null);
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == subject, ct);
        return user switch
        {
            null => (null, ApiResults.Error(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "The token's user no longer exists.")),
            { Status: UserStatus.Suspended } => (null, ApiResults.Error(StatusCodes.Status403Forbidden, "ACCOUNT_SUSPENDED", "This account is suspended.")),
            _ => (new Caller(subject, user), null),
        };
    }

    /// <summary>The user id a path names: <c>me</c> is the caller's own (404 for a service, which has none).</summary>
    public string? Target(string id) => id == "me" ? User?.Id : id;

    /// <summary>May read user <paramref name="userId"/> and its addresses: itself, an admin, or a service.</summary>
    public bool CanRead(string userId) => IsService || IsAdmin || userId == Subject;

    /// <summary>May change user <paramref name="userId"/> and its addresses: itself or an admin; never a service.</summary>
    public bool CanWrite(string userId) => !IsService && (IsAdmin || userId == Subject);

    /// <summary>
    /// Another user's resource looks exactly like a missing one to a user (404); a service that may not write gets
    /// 403, since it knows the id already and no user's privacy is at stake.
    /// </summary>
    public ApiError Denied(string userId) => IsService
        ? ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Service tokens may read and create users, not change them.")
        : UserErrors.NotFound(userId);
}

internal static class UserErrors
{
    public static ApiError NotFound(string id) => ApiResults.NotFound("USER_NOT_FOUND", $"User '{Truncate(id)}' does not exist.");

    public static ApiError EmailTaken() => ApiResults.Conflict("EMAIL_TAKEN", "Another account already uses this email address.");

    public static ApiError ChangedConcurrently(string what) =>
        ApiResults.Error(StatusCodes.Status412PreconditionFailed, ErrorCodes.PreconditionFailed,
            $"The {what} was changed by another request; read it again and retry.");

    public static string Truncate(string id) => id.Length <= 64 ? id : id[..64] + "…";
}
