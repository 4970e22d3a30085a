namespace Agora.Identity.Features.ApiKeys;

/// <summary><c>GET /api/v1/api-keys/{id}</c>: one key, without the key or its hash.</summary>
internal static class GetApiKey
{
    public static async Task<Results<ApiOk<ApiKeyDto>, ApiError>> Handle(
        string id, ClaimsPrincipal principal, IdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (_, denied) = await ApiKeys.AdminAsync(principal, db, ct);
        if (denied is not null)
        {
            return denied;
        }

        var key = Ids.HasPrefix(id, "key") ? await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, ct) : null;
        return key is null ? ApiKeys.NotFound(id) : ApiResults.Ok(ApiKeyDto.From(key, clock.GetUtcNow().UtcDateTime));
    }
}
