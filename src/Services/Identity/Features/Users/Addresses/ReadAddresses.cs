using System.Security.Claims;
using Agora.Http;
using Agora.Identity.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Agora.Identity.Features.Users.Addresses;

/// <summary><c>GET /api/v1/users/{id}/addresses</c> (the default first, then oldest first) and one address.</summary>
internal static class ReadAddresses
{
    public static async Task<Results<ApiOk<IReadOnlyList<AddressDto>>, ApiError>> List(
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

    public static async Task<Results<ApiOk<AddressDto>, StatusCodeHttpResult, ApiError>> Get(
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
        if (Preconditions.IfNoneMatchHits(request, etag))
        {
            request.HttpContext.Response.Headers.ETag = etag;
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return ApiResults.Ok(AddressDto.From(address), etag);
    }
}
