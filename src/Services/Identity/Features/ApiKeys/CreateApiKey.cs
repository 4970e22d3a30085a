using System.Security.Cryptography;
using Validator = Agora.Http.Validator;

namespace Agora.Identity.Features.ApiKeys;

/// <summary><c>POST /api/v1/api-keys</c>: an administrator creates a key; its plaintext is in the answer, shown this once only.</summary>
internal static class CreateApiKey
{
    public static async Task<Results<ApiCreated<CreatedApiKeyDto>, ApiError>> Handle(
        CreateApiKeyInput input, ClaimsPrincipal principal, IdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (admin, denied) = await ApiKeys.AdminAsync(principal, db, ct);
        if (denied is not null)
        {
            return denied;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var name = input.Name?.Trim() ?? "";
        var scopes = (input.Scopes ?? []).Select(s => s?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        var v = new Validator();
        v.Require(name.Length > 0, "name", "Required.");
        v.Require(name.Length <= ApiKeys.NameMaxLength, "name", $"At most {ApiKeys.NameMaxLength} characters.");
        v.Require(scopes.Count > 0, "scopes", "At least one scope.");
        foreach (var scope in scopes.Where(s => !IdentityDefaults.ServiceScopes.Contains(s, StringComparer.Ordinal)))
        {
            v.Add("scopes", $"Unknown scope '{UserErrors.Truncate(scope)}'; one of: {string.Join(", ", IdentityDefaults.ServiceScopes)}.");
        }

        v.Require(input.ExpiresAt is null || input.ExpiresAt.Value.ToUniversalTime() > now, "expires_at", "Must be in the future.");
        if (!v.IsValid)
        {
            return v.ToError();
        }

        var secret = ApiKeys.Base64Url(RandomNumberGenerator.GetBytes(32));
        var prefix = secret[..ApiKeys.PrefixLength];
        var plaintext = $"{ApiKeys.KeyPrefix}{prefix}_{secret}";
        var key = new ApiKey
        {
            Id = Ids.New("key"), Name = name, Prefix = prefix, Hash = ApiKeys.HashOf(plaintext), Scopes = string.Join(' ', scopes),
            CreatedAt = now, CreatedBy = admin!.Subject, ExpiresAt = input.ExpiresAt?.ToUniversalTime(),
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        var dto = new CreatedApiKeyDto(key.Id, key.Name, key.Prefix, key.ScopeList, ApiKeys.StatusOf(key, now), key.CreatedAt, key.CreatedBy,
            key.ExpiresAt, plaintext);
        return ApiResults.Created($"/api/v1/api-keys/{key.Id}", dto);
    }
}
