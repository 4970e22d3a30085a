using Microsoft.AspNetCore.Http.Json;

namespace Agora.Identity.Features.Users.Addresses;

/// <summary>PUT replaces an address; PATCH merges a JSON merge patch (RFC 7396) into it. Both honour <c>If-Match</c>.</summary>
internal static class UpdateAddress
{
    private static readonly HashSet<string> PatchableFields =
        ["label", "recipient", "line1", "line2", "city", "postal_code", "country", "phone", "is_default"];

    public static Task<Results<ApiOk<AddressDto>, ApiError>> Replace(
        string id, string addressId, AddressInput input, HttpRequest request, ClaimsPrincipal principal, IdentityDbContext db,
        TimeProvider clock, CancellationToken ct) =>
        ApplyAsync(id, addressId, _ => (input, null), request, principal, db, clock, ct);

    public static Task<Results<ApiOk<AddressDto>, ApiError>> Patch(
        string id, string addressId, JsonElement patch, HttpRequest request, ClaimsPrincipal principal, IdentityDbContext db,
        IOptions<JsonOptions> json, TimeProvider clock, CancellationToken ct)
    {
        var serializer = json.Value.SerializerOptions;
        return ApplyAsync(id, addressId, address => Merge(address, patch, serializer), request, principal, db, clock, ct);
    }

    private static (AddressInput? Input, ApiError? Error) Merge(Address address, JsonElement patch, JsonSerializerOptions json) =>
        MergePatch.Apply(() => new AddressInput(address.Label, address.Recipient, address.Line1, address.Line2, address.City,
            address.PostalCode, address.Country, address.Phone, address.IsDefault), patch, json, "an address", PatchableFields, readOnly: ["user_id"]);

    private static async Task<Results<ApiOk<AddressDto>, ApiError>> ApplyAsync(
        string id, string addressId, Func<Address, (AddressInput? Input, ApiError? Error)> build, HttpRequest request,
        ClaimsPrincipal principal, IdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (address, failed) = await AddressAccess.LoadForChangeAsync(id, addressId, principal, db, request, ct);
        if (failed is not null)
        {
            return failed;
        }

        var (input, invalid) = build(address!);
        if (invalid is not null)
        {
            return invalid;
        }

        var v = new Validator();
        AddressValidation.Validate(input!, v);
        if (!v.IsValid)
        {
            return v.ToError();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        AddressValidation.Apply(input!, address!);
        if (input!.IsDefault == true && !address!.IsDefault)
        {
            await AddressAccess.MakeSoleDefaultAsync(db, address, now, ct);
        }
        else if (input.IsDefault == false)
        {
            address!.IsDefault = false;
        }

        address!.UpdatedAt = now;
        address.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return UserErrors.ChangedConcurrently("address");
        }

        return ApiResults.Ok(AddressDto.From(address), Preconditions.ETag(address.Version));
    }
}
