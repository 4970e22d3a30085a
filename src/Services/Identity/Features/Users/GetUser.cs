namespace Agora.Identity.Features.Users;

/// <summary><c>GET /api/v1/users/{id}</c> and <c>GET /api/v1/users/me</c>.</summary>
internal static class GetUser
{
    public static Task<Results<ApiOk<UserDto>, StatusCodeHttpResult, ApiError>> Me(
        HttpRequest request, ClaimsPrincipal principal, IdentityDbContext db, CancellationToken ct) =>
        Handle("me", request, principal, db, ct);

    public static async Task<Results<ApiOk<UserDto>, StatusCodeHttpResult, ApiError>> Handle(
        string id, HttpRequest request, ClaimsPrincipal principal, IdentityDbContext db, CancellationToken ct)
    {
        var (caller, denied) = await Caller.ResolveAsync(principal, db, ct);
        if (denied is not null)
        {
            return denied;
        }

        var userId = caller!.Target(id);
        if (userId is null || !caller.CanRead(userId))
        {
            return UserErrors.NotFound(id);
        }

        var user = userId == caller.User?.Id
            ? caller.User
            : Ids.HasPrefix(userId, "usr") ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct) : null;
        if (user is null)
        {
            return UserErrors.NotFound(id);
        }

        var etag = Preconditions.ETag(user.Version);
        return Preconditions.NotModified(request, etag) is { } notModified ? notModified : ApiResults.Ok(UserDto.From(user), etag);
    }
}
