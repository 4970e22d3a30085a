using System.Security.Cryptography;
using System.Text;

namespace Agora.Identity.Features.ApiKeys;

/// <summary><c>POST /api/v1/api-keys/verify</c>: whether the key in <c>X-API-Key</c> is active; unknown, revoked and expired keys are only <c>active: false</c>.</summary>
internal static class VerifyApiKey
{
    public static async Task<Results<ApiOk<ApiKeyVerification>, ApiError>> Handle(
        HttpRequest request, IdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        // A key in the URL is already leaked (access logs, proxies); refuse it loudly so the caller fixes the integration.
        if (request.Query.Keys.Any(k => k.Equals("api_key", StringComparison.OrdinalIgnoreCase) || k.Equals("key", StringComparison.OrdinalIgnoreCase)
                || k.Equals("apikey", StringComparison.OrdinalIgnoreCase))
            || request.Query.Any(q => q.Value.Any(v => v is not null && v.StartsWith(ApiKeys.KeyPrefix, StringComparison.Ordinal))))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "API_KEY_IN_URL",
                $"Never put an API key in a URL; send it in the {ApiKeys.Header} header. Treat this key as leaked and have it replaced.");
        }

        var presented = request.Headers[ApiKeys.Header].ToString().Trim();
        if (presented.Length == 0)
        {
            return ApiResults.Validation(ApiKeys.Header, "Required: the API key to check.");
        }

        var prefix = ApiKeys.PrefixOf(presented);
        if (prefix is null)
        {
            return ApiResults.Ok(new ApiKeyVerification(false));
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var candidates = await db.ApiKeys.AsNoTracking().Where(k => k.Prefix == prefix).ToListAsync(ct);
        ApiKey? match = null;
        foreach (var candidate in candidates)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(candidate.Hash)))
            {
                match = candidate;
            }
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (match is null || ApiKeys.StatusOf(match, now) != ApiKeyStatus.Active)
        {
            return ApiResults.Ok(new ApiKeyVerification(false));
        }

        if (match.LastUsedAt is null || match.LastUsedAt <= now - ApiKeys.LastUsedResolution)
        {
            var stale = now - ApiKeys.LastUsedResolution;
            var id = match.Id;
            await db.ApiKeys.Where(k => k.Id == id && (k.LastUsedAt == null || k.LastUsedAt <= stale))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        }

        return ApiResults.Ok(new ApiKeyVerification(true, match.Id, match.Name, match.ScopeList, match.ExpiresAt));
    }
}
