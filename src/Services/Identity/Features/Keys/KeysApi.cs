using System.ComponentModel.DataAnnotations;
using Agora.Http;
using Agora.Identity.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Agora.Identity.Features.Keys;

public sealed record SigningKeyDto(
    [property: MaxLength(32), RegularExpression("^(sig|enc)-[0-9]{8}-[0-9a-f]{8}$")] string Id,
    [property: MaxLength(3), RegularExpression("^(sig|enc)$")] string Use,
    KeyStatus Status,
    DateTime CreatedAt,
    DateTime? RetiresAt);

/// <summary>Admin view and rotation of the authorization server's keys (never the private parts).</summary>
internal static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin/signing-keys").WithTags("Signing keys")
            .RequireAuthorization(Users.StaffAuthorization.Policy);
        group.MapGet("/", ListAsync).WithName("ListSigningKeys").WithSummary("The keys: current signs, next and retired are only published")
            .WithDescription("Every key of the authorization server: id (kid), use, status and dates; never a private part. "
                + "Needs a staff access token: scope admin:ops, of a user with the admin role.");
        group.MapPost("/rotate", RotateAsync).WithName("RotateSigningKeys")
            .WithSummary("Next key starts signing; the current one stays published until its tokens expire")
            .WithDescription("Rotates now: the published next key starts signing, the current one is retired but stays in the "
                + "JWKS until the tokens it signed expire, and a new next key is published. Answers the keys afterwards. "
                + "Needs a staff access token: scope admin:ops, of a user with the admin role.");
        return app;
    }

    private static async Task<ApiOk<IReadOnlyList<SigningKeyDto>>> ListAsync(IdentityDbContext db, CancellationToken ct)
    {
        var keys = await db.SigningKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(ct);
        var dtos = keys.Select(k => new SigningKeyDto(k.Id, k.Use, k.Status, k.CreatedAt, k.RetiresAt)).ToList();
        return ApiResults.Page<SigningKeyDto>(dtos, Paging.Info(Math.Max(1, dtos.Count), dtos.Count, null));
    }

    private static async Task<ApiOk<IReadOnlyList<SigningKeyDto>>> RotateAsync(KeyRing ring, IdentityDbContext db, CancellationToken ct)
    {
        await ring.RotateAsync(ct);
        return await ListAsync(db, ct);
    }
}
