using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Agora.Auth;

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

    /// <summary>Identity could not be asked (down, busy, or the gateway has no client to ask with).</summary>
    Unavailable,
}

/// <summary>
/// The HTTP side of key checks (a typed client, one per use): a client-credentials token from Identity's
/// <c>/connect/token</c> and a check at <c>POST /api/v1/api-keys/verify</c>. What to remember and when to ask is
/// <see cref="ApiKeyCache"/>'s.
/// </summary>
internal sealed class ApiKeyVerifier(HttpClient http)
{
    /// <summary>A token with scope <c>verify:api-keys</c> and its lifetime in seconds.</summary>
    public async Task<(string Token, int ExpiresIn)> RequestTokenAsync(ApiKeyOptions o, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = o.ClientId!,
            ["client_secret"] = o.ClientSecret ?? "",
            ["scope"] = AgoraScopes.VerifyApiKeys,
        });
        using var response = await http.PostAsync(new Uri(new Uri(o.IdentityUrl), "connect/token"), form, cancellationToken);
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                    ?? throw new JsonException("Empty token response.");
        return (token.AccessToken, token.ExpiresIn);
    }

    /// <summary>
    /// Identity's answer about <paramref name="key"/>: its holder when active, null when not; <c>Unauthorized</c> when
    /// the token was refused (expired or revoked: ask again with a new one).
    /// </summary>
    public async Task<(bool Unauthorized, ApiKeyIdentity? Identity)> VerifyAsync(string token, string key, ApiKeyOptions o, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(o.IdentityUrl), "api/v1/api-keys/verify"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add(ApiKeyAuthenticationHandler.Header, key);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return (true, null);
        }

        if (response.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            return (false, null);
        }

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<Envelope<Verification>>(cancellationToken);
        var v = body?.Data;
        return (false, v is { Active: true, KeyId: { } id } ? new ApiKeyIdentity(id, v.Name ?? id, v.Scopes ?? []) : null);
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
}
