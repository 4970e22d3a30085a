using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agora.Gateway.Features.Auth;

/// <summary>A verified partner key: what the edge knows about its holder.</summary>
internal sealed record ApiKeyIdentity(string KeyId, string Name, IReadOnlyList<string> Scopes);

/// <summary>The outcome of checking a key.</summary>
internal enum ApiKeyOutcome
{
    /// <summary>Active: <see cref="ApiKeyIdentity"/> is set.</summary>
    Valid,

    /// <summary>Unknown, malformed, revoked or expired.</summary>
    Invalid,

    /// <summary>Identity could not be asked (down, or the gateway has no client to ask with).</summary>
    Unavailable,
}

/// <summary>
/// Checks partner API keys against Identity, which owns them (stored as SHA-256 hashes, scoped, revocable;
/// <c>POST /api/v1/api-keys</c> issues, <c>DELETE /api/v1/api-keys/{id}</c> revokes — both reachable through the gateway).
/// One store, not a copy in the gateway: a key revoked in Identity stops at the edge within
/// <see cref="ApiKeyOptions.CacheDuration"/>. The cache is keyed by the key's SHA-256, never the key, and bounded.
/// </summary>
internal sealed partial class ApiKeyVerifier(
    HttpClient http,
    IOptionsMonitor<GatewayOptions> options,
    TimeProvider clock,
    ILogger<ApiKeyVerifier> logger)
{
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private string? _token;
    private DateTimeOffset _tokenUntil;

    private sealed record Entry(ApiKeyIdentity? Identity, DateTimeOffset Until);

    public async Task<(ApiKeyOutcome Outcome, ApiKeyIdentity? Identity)> VerifyAsync(string key, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue.ApiKeys;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(hash, out var hit) && now < hit.Until)
        {
            return hit.Identity is null ? (ApiKeyOutcome.Invalid, null) : (ApiKeyOutcome.Valid, hit.Identity);
        }

        if (string.IsNullOrEmpty(o.ClientId))
        {
            LogNoClient(logger);
            return (ApiKeyOutcome.Unavailable, null);
        }

        ApiKeyIdentity? identity;
        try
        {
            identity = await AskIdentityAsync(key, o, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Down, refusing, timing out, its client's breaker open, or answering nonsense: the key cannot be checked now.
            LogUnavailable(logger, e.GetType().Name);
            return (ApiKeyOutcome.Unavailable, null);
        }

        if (_cache.Count >= o.MaxCachedKeys)
        {
            _cache.Clear();
        }

        _cache[hash] = new Entry(identity, now + (identity is null ? o.NegativeCacheDuration : o.CacheDuration));
        return identity is null ? (ApiKeyOutcome.Invalid, null) : (ApiKeyOutcome.Valid, identity);
    }

    private async Task<ApiKeyIdentity?> AskIdentityAsync(string key, ApiKeyOptions o, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var token = await TokenAsync(o, attempt > 0, cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(o.IdentityUrl), "api/v1/api-keys/verify"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("X-API-Key", key);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized && attempt == 0)
            {
                continue;
            }

            if (response.StatusCode == System.Net.HttpStatusCode.UnprocessableEntity)
            {
                return null;
            }

            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<Envelope<Verification>>(cancellationToken);
            var v = body?.Data;
            return v is { Active: true, KeyId: { } id } ? new ApiKeyIdentity(id, v.Name ?? id, v.Scopes ?? []) : null;
        }
    }

    private async Task<string> TokenAsync(ApiKeyOptions o, bool renew, CancellationToken cancellationToken)
    {
        await _tokenLock.WaitAsync(cancellationToken);
        try
        {
            if (!renew && _token is not null && clock.GetUtcNow() < _tokenUntil)
            {
                return _token;
            }

            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = o.ClientId!,
                ["client_secret"] = o.ClientSecret ?? "",
                ["scope"] = "verify:api-keys",
            });
            using var response = await http.PostAsync(new Uri(new Uri(o.IdentityUrl), "connect/token"), form, cancellationToken);
            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                        ?? throw new JsonException("Empty token response.");
            _token = token.AccessToken;
            _tokenUntil = clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(0, token.ExpiresIn - 60));
            return _token;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    private sealed record Envelope<T>([property: JsonPropertyName("data")] T? Data);

    private sealed record Verification(
        [property: JsonPropertyName("active")] bool Active,
        [property: JsonPropertyName("key_id")] string? KeyId,
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("scopes")] List<string>? Scopes);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);

    [LoggerMessage(EventId = 8300, Level = LogLevel.Warning, Message = "An API key was presented but Gateway:ApiKeys:ClientId is not set; API keys are refused")]
    private static partial void LogNoClient(ILogger logger);

    [LoggerMessage(EventId = 8301, Level = LogLevel.Error, Message = "Could not verify an API key with Identity: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
