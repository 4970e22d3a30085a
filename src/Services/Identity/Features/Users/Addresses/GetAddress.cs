namespace Agora.Identity.Features.Users.Addresses;

/// <summary><c>GET /api/v1/users/{id}/addresses/{addressId}</c>: one address with its ETag (If-None-Match gives 304).</summary>
internal static class GetAddress
{
    public static async Task<Results<ApiOk<AddressDto>, StatusCodeHttpResult, ApiError>> Handle(
        string id, string addressId, HttpRequest request, ClaimsPrincipal principal, IdentityDbContext db, CancellationToken ct)
    {
        var (userId, error) = await AddressAccess.OwnerAsync(id, write: false, principal, db, ct);
        if (error is not null)
        {
            return error;
        }

        var address = await AddressAccess.FindAsync(db.Addresses.AsNoTracking(), userId!, addressId, ct);
        if (address is null)
        {
            return AddressAccess.NotFound(addressId);
        }

        var etag = Preconditions.ETag(address.Version);
        return Preconditions.NotModified(request, etag) is { } notModified ? notModified : ApiResults.Ok(AddressDto.From(address), etag);
    }
}
