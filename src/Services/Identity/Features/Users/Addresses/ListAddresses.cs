namespace Agora.Identity.Features.Users.Addresses;

/// <summary><c>GET /api/v1/users/{id}/addresses</c>: every address of the user, the default first, then oldest first.</summary>
internal static class ListAddresses
{
    public static async Task<Results<ApiOk<IReadOnlyList<AddressDto>>, ApiError>> Handle(
        string id, ClaimsPrincipal principal, IdentityDbContext db, CancellationToken ct)
    {
        var (userId, error) = await AddressAccess.OwnerAsync(id, write: false, principal, db, ct);
        if (error is not null)
        {
            return error;
        }

        // A user has at most AddressValidation.MaxPerUser addresses: one page, no cursor.
        var items = await db.Addresses.AsNoTracking().Where(a => a.UserId == userId)
            .OrderByDescending(a => a.IsDefault).ThenBy(a => a.CreatedAt).ThenBy(a => a.Id)
            .Take(AddressValidation.MaxPerUser).ToListAsync(ct);
        return ApiResults.Page<AddressDto>(items.Select(AddressDto.From).ToList(),
            Paging.Info(AddressValidation.MaxPerUser, items.Count, null));
    }
}
