using System.Security.Cryptography;
using System.Text;

namespace Agora.Identity.Features.ApiKeys;

/// <summary>
/// Partner API keys: created, listed and revoked by administrators; checked by services (the gateway) with
/// <c>POST /api/v1/api-keys/verify</c>. The key travels only in the <c>X-API-Key</c> header, never in a URL (URLs end
/// up in logs, browser history and <c>Referer</c> headers).
/// </summary>
internal static class ApiKeys
{
    public const string AdminPolicy = "api-keys:admin";
    public const string VerifyPolicy = "api-keys:verify";
    public const string Header = "X-API-Key";
    public const string KeyPrefix = "agk_";

    /// <summary>43 characters: base64url of 32 random bytes, unpadded.</summary>
    private const int SecretLength = 43;

    public const int PrefixLength = 8;
    public const int NameMaxLength = ApiKeyDoc.NameMaxLength;

    /// <summary>Verification writes <c>last_used_at</c> at most this often per key.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder()
            // Any bearer token of this server; the admin role is then read from the database (as for users), so a
            // revoked role stops at once and a service token is never an administrator.
            .AddPolicy(AdminPolicy, p => p.RequireIdentityToken().RequireAssertion(c => c.User.HasScope(AgoraScopes.AdminOps)))
            .AddPolicy(VerifyPolicy, p => p.RequireIdentityToken()
                .RequireAssertion(c => !Caller.IsUserToken(c.User) && c.User.HasScope(AgoraScopes.VerifyApiKeys)));
        return builder;
    }
    public static ApiKeyStatus StatusOf(ApiKey k, DateTime now) =>
        k.RevokedAt is not null ? ApiKeyStatus.Revoked
        : k.ExpiresAt is { } expires && expires <= now ? ApiKeyStatus.Expired
        : ApiKeyStatus.Active;

    /// <summary>Lowercase hex SHA-256 of the whole key.</summary>
    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The lookup prefix of a well-formed key (<c>agk_&lt;prefix8&gt;_&lt;secret&gt;</c>, the prefix being the secret's start); null otherwise.</summary>
    public static string? PrefixOf(string? key)
    {
        if (key is null || key.Length != KeyPrefix.Length + PrefixLength + 1 + SecretLength
            || !key.StartsWith(KeyPrefix, StringComparison.Ordinal) || key[KeyPrefix.Length + PrefixLength] != '_')
        {
            return null;
        }

        var prefix = key.Substring(KeyPrefix.Length, PrefixLength);
        var secret = key.AsSpan(KeyPrefix.Length + PrefixLength + 1);
        foreach (var c in secret)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return null;
            }
        }

        return secret.StartsWith(prefix, StringComparison.Ordinal) ? prefix : null;
    }

    /// <summary>The calling administrator, or the error that refuses anyone else.</summary>
    public static async Task<(Caller? Admin, ApiError? Error)> AdminAsync(ClaimsPrincipal principal, IdentityDbContext db, CancellationToken ct)
    {
        var (caller, denied) = await Caller.ResolveAsync(principal, db, ct);
        if (denied is not null)
        {
            return (null, denied);
        }

        return caller!.IsAdmin
            ? (caller, null)
            : (null, ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Only administrators manage API keys."));
    }

    public static ApiError NotFound(string id) => ApiResults.NotFound("API_KEY_NOT_FOUND", $"API key '{UserErrors.Truncate(id)}' does not exist.");

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
