namespace Agora.Identity.Features.Keys;

/// <summary><c>GET /api/v1/admin/signing-keys</c>: every key, oldest first; never a private part.</summary>
internal static class ListSigningKeys
{
    public static async Task<ApiOk<IReadOnlyList<SigningKeyDto>>> Handle(IdentityDbContext db, CancellationToken ct)
    {
        var keys = await db.SigningKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(ct);
        var dtos = keys.Select(k => new SigningKeyDto(k.Id, k.Use, k.Status, k.CreatedAt, k.RetiresAt)).ToList();
        return ApiResults.Page<SigningKeyDto>(dtos, Paging.Info(Math.Max(1, dtos.Count), dtos.Count, null));
    }
}
