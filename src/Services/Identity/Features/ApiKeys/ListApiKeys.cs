namespace Agora.Identity.Features.ApiKeys;

/// <summary><c>GET /api/v1/api-keys</c>: every key, newest first, without the key or its hash.</summary>
internal static class ListApiKeys
{
    public static async Task<Results<ApiOk<IReadOnlyList<ApiKeyDto>>, ApiError>> Handle(
        ClaimsPrincipal principal, IdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (_, denied) = await ApiKeys.AdminAsync(principal, db, ct);
        if (denied is not null)
        {
            return denied;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var keys = await db.ApiKeys.AsNoTracking().ToListAsync(ct);
        var dtos = keys.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id, StringComparer.Ordinal)
            .Select(k => ApiKeyDto.From(k, now)).ToList();
        return ApiResults.Page<ApiKeyDto>(dtos, Paging.Info(Math.Max(1, dtos.Count), dtos.Count, null));
    }
}
