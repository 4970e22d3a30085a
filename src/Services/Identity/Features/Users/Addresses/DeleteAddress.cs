namespace Agora.Identity.Features.Users.Addresses;

/// <summary>
/// <c>DELETE /api/v1/users/{id}/addresses/{addressId}</c> (<c>If-Match</c> honoured). Deleting the default address makes
/// the oldest remaining one the default, so a user with addresses always has one.
/// </summary>
internal static class DeleteAddress
{
    public static async Task<Results<NoContent, ApiError>> Handle(
        string id, string addressId, HttpRequest request, ClaimsPrincipal principal, IdentityDbContext db, TimeProvider clock,
        CancellationToken ct)
    {
        var (address, failed) = await AddressAccess.LoadForChangeAsync(id, addressId, principal, db, request, ct);
        if (failed is not null)
        {
            return failed;
        }

        db.Addresses.Remove(address!);
        if (address!.IsDefault)
        {
            var heir = await db.Addresses.Where(a => a.UserId == address.UserId && a.Id != address.Id)
                .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).FirstOrDefaultAsync(ct);
            if (heir is not null)
            {
                heir.IsDefault = true;
                heir.UpdatedAt = clock.GetUtcNow().UtcDateTime;
                heir.Version++;
            }
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return UserErrors.ChangedConcurrently("address");
        }

        return TypedResults.NoContent();
    }
}
