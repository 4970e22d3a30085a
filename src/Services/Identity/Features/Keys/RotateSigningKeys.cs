namespace Agora.Identity.Features.Keys;

/// <summary><c>POST /api/v1/admin/signing-keys/rotate</c>: the next key starts signing; answers the keys afterwards.</summary>
internal static class RotateSigningKeys
{
    public static async Task<ApiOk<IReadOnlyList<SigningKeyDto>>> Handle(KeyRing ring, IdentityDbContext db, CancellationToken ct)
    {
        await ring.RotateAsync(ct);
        return await ListSigningKeys.Handle(db, ct);
    }
}
