using System.Security.Claims;
using Agora.Http;
using Agora.Identity.Infrastructure;
using Agora.Primitives;
using Microsoft.EntityFrameworkCore;

namespace Agora.Identity.Features.Users.Addresses;

/// <summary><c>POST /api/v1/users/{id}/addresses</c>: a user's first address becomes the default.</summary>
internal static class CreateAddress
{
    public static async Task<Results<ApiCreated<AddressDto>, ApiError>> Handle(
        string id, AddressInput input, ClaimsPrincipal principal, IdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (userId, error) = await AddressAccess.OwnerAsync(id, write: true, principal, db, ct);
        if (error is not null)
        {
            return error;
        }

        var v = new Validator();
        AddressValidation.Validate(input, v);
        if (!v.IsValid)
        {
            return v.ToError();
        }

        var count = await db.Addresses.CountAsync(a => a.UserId == userId, ct);
        if (count >= AddressValidation.MaxPerUser)
        {
            return ApiResults.Conflict("ADDRESS_LIMIT_REACHED",
                $"A user keeps at most {AddressValidation.MaxPerUser} addresses; delete one first.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var address = new Address
        {
            Id = Ids.New("adr"), UserId = userId!, Recipient = "", Line1 = "", City = "", Country = "",
            CreatedAt = now, UpdatedAt = now,
        };
        AddressValidation.Apply(input, address);
        db.Addresses.Add(address);
        if (input.IsDefault ?? count == 0)
        {
            await AddressAccess.MakeSoleDefaultAsync(db, address, now, ct);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return UserErrors.ChangedConcurrently("default address");
        }

        return ApiResults.Created(AddressAccess.Location(address), AddressDto.From(address), Preconditions.ETag(address.Version));
    }
}
