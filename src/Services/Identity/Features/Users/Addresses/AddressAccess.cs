namespace Agora.Identity.Features.Users.Addresses;

/// <summary>
/// The ownership check every address endpoint starts with. A user reaches only their own addresses (an admin any):
/// another user's id gives 404 USER_NOT_FOUND before the database is asked, and an address id that is not under the
/// user in the path gives 404 ADDRESS_NOT_FOUND, so neither users nor addresses can be probed.
/// </summary>
internal static class AddressAccess
{
    /// <summary>The owner whose addresses the path names, or the error that stops the request.</summary>
    public static async Task<(string? UserId, ApiError? Error)> OwnerAsync(
        string id, bool write, ClaimsPrincipal principal, IdentityDbContext db, CancellationToken ct)
    {
        var (caller, denied) = await Caller.ResolveAsync(principal, db, ct);
        if (denied is not null)
        {
            return (null, denied);
        }

        var userId = caller!.Target(id);
        if (userId is null)
        {
            return (null, UserErrors.NotFound(id));
        }

        if (!(write ? caller.CanWrite(userId) : caller.CanRead(userId)))
        {
            return (null, caller.Denied(userId));
        }

        if (userId != caller.User?.Id && !(Ids.HasPrefix(userId, "usr") && await db.Users.AnyAsync(u => u.Id == userId, ct)))
        {
            return (null, UserErrors.NotFound(id));
        }

        return (userId, null);
    }

    /// <summary>
    /// The tracked address to change, after the owner's write check: or the 403 / 404 / 412 that stops the change.
    /// </summary>
    public static async Task<(Address? Address, ApiError? Error)> LoadForChangeAsync(
        string id, string addressId, ClaimsPrincipal principal, IdentityDbContext db, HttpRequest request, CancellationToken ct)
    {
        var (userId, denied) = await OwnerAsync(id, write: true, principal, db, ct);
        if (denied is not null)
        {
            return (null, denied);
        }

        var address = await FindAsync(db.Addresses, userId!, addressId, ct);
        if (address is null)
        {
            return (null, NotFound(addressId));
        }

        return Preconditions.IfMatchFails(request, Preconditions.ETag(address.Version))
            ? (null, ApiResults.PreconditionFailed())
            : (address, null);
    }

    public static Task<Address?> FindAsync(IQueryable<Address> addresses, string userId, string addressId, CancellationToken ct) =>
        Ids.HasPrefix(addressId, "adr")
            ? addresses.FirstOrDefaultAsync(a => a.Id == addressId && a.UserId == userId, ct)
            : Task.FromResult<Address?>(null);

    /// <summary>Makes <paramref name="chosen"/> the only default address of its user (a changed address gets a new ETag).</summary>
    public static async Task MakeSoleDefaultAsync(IdentityDbContext db, Address chosen, DateTime now, CancellationToken ct)
    {
        chosen.IsDefault = true;
        var others = await db.Addresses.Where(a => a.UserId == chosen.UserId && a.Id != chosen.Id && a.IsDefault).ToListAsync(ct);
        foreach (var other in others)
        {
            other.IsDefault = false;
            other.UpdatedAt = now;
            other.Version++;
        }
    }

    public static ApiError NotFound(string id) =>
        ApiResults.NotFound("ADDRESS_NOT_FOUND", $"Address '{UserErrors.Truncate(id)}' does not exist.");

    public static string Location(Address a) => $"/api/v1/users/{a.UserId}/addresses/{a.Id}";
}
