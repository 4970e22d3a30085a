using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Agora.Http;
using Agora.Identity.Features.Users;
using Agora.Identity.Infrastructure;
using Agora.Primitives;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using Validator = Agora.Http.Validator;

namespace Agora.Identity.Features.ApiKeys;

/// <summary>A key's state: revoked wins over expired.</summary>
public enum ApiKeyStatus
{
    Active,
    Revoked,
    Expired,
}

/// <summary>A key as the admin API lists it: never the key itself nor its hash.</summary>
public sealed record ApiKeyDto(
    [property: MaxLength(40), RegularExpression(ApiKeyDoc.IdPattern)] string Id,
    [property: MaxLength(ApiKeyDoc.NameMaxLength)] string Name,
    [property: MaxLength(8), RegularExpression(ApiKeyDoc.PrefixPattern)] string Prefix,
    [property: MaxLength(ApiKeyDoc.MaxScopes)] IReadOnlyList<string> Scopes,
    ApiKeyStatus Status,
    DateTime CreatedAt,
    [property: MaxLength(100), RegularExpression(ApiKeyDoc.SubjectPattern)] string CreatedBy,
    DateTime? ExpiresAt,
    DateTime? RevokedAt,
    DateTime? LastUsedAt)
{
    public static ApiKeyDto From(ApiKey k, DateTime now) =>
        new(k.Id, k.Name, k.Prefix, k.ScopeList, ApiKeys.StatusOf(k, now), k.CreatedAt, k.CreatedBy, k.ExpiresAt, k.RevokedAt, k.LastUsedAt);
}

/// <summary>The creation response: the key's view plus the plaintext <c>key</c>, shown this once only.</summary>
public sealed record CreatedApiKeyDto(
    [property: MaxLength(40), RegularExpression(ApiKeyDoc.IdPattern)] string Id,
    [property: MaxLength(ApiKeyDoc.NameMaxLength)] string Name,
    [property: MaxLength(8), RegularExpression(ApiKeyDoc.PrefixPattern)] string Prefix,
    [property: MaxLength(ApiKeyDoc.MaxScopes)] IReadOnlyList<string> Scopes,
    ApiKeyStatus Status,
    DateTime CreatedAt,
    [property: MaxLength(100), RegularExpression(ApiKeyDoc.SubjectPattern)] string CreatedBy,
    DateTime? ExpiresAt,
    [property: MaxLength(56), RegularExpression(ApiKeyDoc.KeyPattern)] string Key);

/// <summary>What <c>POST /api/v1/api-keys</c> takes.</summary>
public sealed record CreateApiKeyInput(
    [property: MaxLength(ApiKeyDoc.NameMaxLength)] string? Name,
    [property: MaxLength(ApiKeyDoc.MaxScopes)] string[]? Scopes,
    DateTime? ExpiresAt = null);

/// <summary>The documented shape of keys and their fields (the OpenAPI limits; the handlers check the same).</summary>
internal static class ApiKeyDoc
{
    public const int NameMaxLength = 100;
    public const int MaxScopes = 32;
    public const string IdPattern = "^key_[A-Za-z0-9]+$";
    public const string PrefixPattern = "^[A-Za-z0-9_-]{8}$";
    public const string KeyPattern = "^agk_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$";
    public const string SubjectPattern = "^[A-Za-z0-9._:-]+$";
}

/// <summary>The verification answer; for unknown, revoked or expired keys only <c>active: false</c>.</summary>
public sealed record ApiKeyVerification(
    bool Active,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), MaxLength(40), RegularExpression(ApiKeyDoc.IdPattern)] string? KeyId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), MaxLength(ApiKeyDoc.NameMaxLength)] string? Name = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), MaxLength(ApiKeyDoc.MaxScopes)] IReadOnlyList<string>? Scopes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? ExpiresAt = null);

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

    private const int PrefixLength = 8;
    private const int NameMaxLength = ApiKeyDoc.NameMaxLength;

    /// <summary>Verification writes <c>last_used_at</c> at most this often per key.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder()
            // Any bearer token of this server; the admin role is then read from the database (as for users), so a
            // revoked role stops at once and a service token is never an administrator.
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser().RequireAssertion(c => c.User.HasScope(Connect.ScopePolicy.AdminOps)))
            .AddPolicy(VerifyPolicy, p => p.AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(c => !Caller.IsUserToken(c.User) && c.User.HasScope(IdentityDefaults.ApiKeyVerifyScope)));
        return builder;
    }

    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        const string Admins = " Needs a bearer access token from this server with the admin:ops scope, of a user with the admin role "
            + "(checked against the account, so a revoked role stops at once); anyone else is 403.";
        var group = app.MapGroup("/api/v1/api-keys").WithTags("API keys");
        group.MapPost("/", CreateAsync).RequireAuthorization(AdminPolicy).WithName("CreateApiKey")
            .WithSummary("Create a partner API key (administrators); the response holds the key, shown this once only")
            .WithDescription("Creates a key with a name, API scopes and an optional expiry. Only its hash is kept: the key in the "
                + "response is shown this once." + Admins)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapGet("/", ListAsync).RequireAuthorization(AdminPolicy).WithName("ListApiKeys")
            .WithSummary("The API keys, newest first: prefix, scopes, status and last use; never the key")
            .WithDescription("Every API key, newest first, without the key or its hash." + Admins)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED");
        group.MapGet("/{id}", GetAsync).RequireAuthorization(AdminPolicy).WithName("GetApiKey").WithSummary("One API key")
            .WithDescription("One API key, without the key or its hash." + Admins)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "API_KEY_NOT_FOUND");
        group.MapDelete("/{id}", RevokeAsync).RequireAuthorization(AdminPolicy).WithName("RevokeApiKey")
            .WithSummary("Revoke an API key (idempotent)")
            .WithDescription("Revokes the key at once; revoking a revoked key changes nothing." + Admins)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "ACCOUNT_SUSPENDED")
            .ProducesError(StatusCodes.Status404NotFound, "API_KEY_NOT_FOUND");
        group.MapPost("/verify", VerifyAsync).RequireAuthorization(VerifyPolicy).WithName("VerifyApiKey")
            .WithSummary("Check the key in the X-API-Key header (services with verify:api-keys); never send it in the URL")
            .WithDescription("Answers whether the key in X-API-Key is active, with its id, name, scopes and expiry; unknown, revoked "
                + "and expired keys are only active: false. A key in the query string is refused (400 API_KEY_IN_URL). Needs a "
                + "service's bearer access token (client credentials) with scope verify:api-keys.")
            .ProducesError(StatusCodes.Status400BadRequest, "API_KEY_IN_URL")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        return app;
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

    private static async Task<(Caller? Admin, ApiError? Error)> AdminAsync(ClaimsPrincipal principal, IdentityDbContext db, CancellationToken ct)
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

    private static ApiError NotFound(string id) => ApiResults.NotFound("API_KEY_NOT_FOUND", $"API key '{UserErrors.Truncate(id)}' does not exist.");

    private static async Task<Results<ApiCreated<CreatedApiKeyDto>, ApiError>> CreateAsync(
        CreateApiKeyInput input, ClaimsPrincipal principal, IdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (admin, denied) = await AdminAsync(principal, db, ct);
        if (denied is not null)
        {
            return denied;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var name = input.Name?.Trim() ?? "";
        var scopes = (input.Scopes ?? []).Select(s => s?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        var v = new Validator();
        v.Require(name.Length > 0, "name", "Required.");
        v.Require(name.Length <= NameMaxLength, "name", $"At most {NameMaxLength} characters.");
        v.Require(scopes.Count > 0, "scopes", "At least one scope.");
        foreach (var scope in scopes.Where(s => !IdentityDefaults.ApiScopes.Contains(s, StringComparer.Ordinal)))
        {
            v.Add("scopes", $"Unknown scope '{UserErrors.Truncate(scope)}'; one of: {string.Join(", ", IdentityDefaults.ApiScopes)}.");
        }

        v.Require(input.ExpiresAt is null || input.ExpiresAt.Value.ToUniversalTime() > now, "expires_at", "Must be in the future.");
        if (!v.IsValid)
        {
            return v.ToError();
        }

        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var prefix = secret[..PrefixLength];
        var plaintext = $"{KeyPrefix}{prefix}_{secret}";
        var key = new ApiKey
        {
            Id = Ids.New("key"), Name = name, Prefix = prefix, Hash = HashOf(plaintext), Scopes = string.Join(' ', scopes),
            CreatedAt = now, CreatedBy = admin!.Subject, ExpiresAt = input.ExpiresAt?.ToUniversalTime(),
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        var dto = new CreatedApiKeyDto(key.Id, key.Name, key.Prefix, key.ScopeList, StatusOf(key, now), key.CreatedAt, key.CreatedBy,
            key.ExpiresAt, plaintext);
        return ApiResults.Created($"/api/v1/api-keys/{key.Id}", dto);
    }

    private static async Task<Results<ApiOk<IReadOnlyList<ApiKeyDto>>, ApiError>> ListAsync(
        ClaimsPrincipal principal, IdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (_, denied) = await AdminAsync(principal, db, ct);
        if (denied is not null)
        {
            return denied;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var keys = await db.ApiKeys.AsNoTracking().ToListAsync(ct);
        var dtos = keys.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id, StringComparer.Ordinal)
            .Select(k => ApiKeyDto.From(k, now)).ToList();
        return ApiResults.Page<ApiKeyDto>(dtos, Paging.Info(Math.Max(1, dtos.Count), dtos.Count, null));
    }

    private static async Task<Results<ApiOk<ApiKeyDto>, ApiError>> GetAsync(
        string id, ClaimsPrincipal principal, IdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (_, denied) = await AdminAsync(principal, db, ct);
        if (denied is not null)
        {
            return denied;
        }

        var key = Ids.HasPrefix(id, "key") ? await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, ct) : null;
        return key is null ? NotFound(id) : ApiResults.Ok(ApiKeyDto.From(key, clock.GetUtcNow().UtcDateTime));
    }

    private static async Task<Results<NoContent, ApiError>> RevokeAsync(
        string id, ClaimsPrincipal principal, IdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (_, denied) = await AdminAsync(principal, db, ct);
        if (denied is not null)
        {
            return denied;
        }

        var key = Ids.HasPrefix(id, "key") ? await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct) : null;
        if (key is null)
        {
            return NotFound(id);
        }

        if (key.RevokedAt is null)
        {
            key.RevokedAt = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<ApiOk<ApiKeyVerification>, ApiError>> VerifyAsync(
        HttpRequest request, IdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        // A key in the URL is already leaked (access logs, proxies); refuse it loudly so the caller fixes the integration.
        if (request.Query.Keys.Any(k => k.Equals("api_key", StringComparison.OrdinalIgnoreCase) || k.Equals("key", StringComparison.OrdinalIgnoreCase)
                || k.Equals("apikey", StringComparison.OrdinalIgnoreCase))
            || request.Query.Any(q => q.Value.Any(v => v is not null && v.StartsWith(KeyPrefix, StringComparison.Ordinal))))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "API_KEY_IN_URL",
                $"Never put an API key in a URL; send it in the {Header} header. Treat this key as leaked and have it replaced.");
        }

        var presented = request.Headers[Header].ToString().Trim();
        if (presented.Length == 0)
        {
            return ApiResults.Validation(Header, "Required: the API key to check.");
        }

        var prefix = PrefixOf(presented);
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
        if (match is null || StatusOf(match, now) != ApiKeyStatus.Active)
        {
            return ApiResults.Ok(new ApiKeyVerification(false));
        }

        if (match.LastUsedAt is null || match.LastUsedAt <= now - LastUsedResolution)
        {
            var stale = now - LastUsedResolution;
            var id = match.Id;
            await db.ApiKeys.Where(k => k.Id == id && (k.LastUsedAt == null || k.LastUsedAt <= stale))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        }

        return ApiResults.Ok(new ApiKeyVerification(true, match.Id, match.Name, match.ScopeList, match.ExpiresAt));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
