namespace Agora.Identity.Features.ApiKeys;

/// <summary><c>DELETE /api/v1/api-keys/{id}</c>: revokes a key at once; revoking a revoked key changes nothing.</summary>
internal static class RevokeApiKey
{
    public static async Task<Results<NoContent, ApiError>> Handle(
        string id, ClaimsPrincipal principal, IdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (_, denied) = await ApiKeys.AdminAsync(principal, db, ct);
        if (denied is not null)
        {
            return denied;
        }

        var key = Ids.HasPrefix(id, "key") ? await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct) : null;
        if (key is null)
        {
            return ApiKeys.NotFound(id);
        }

        if (key.RevokedAt is null)
        {
            key.RevokedAt = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
        }

        return TypedResults.NoContent();
    }
}
