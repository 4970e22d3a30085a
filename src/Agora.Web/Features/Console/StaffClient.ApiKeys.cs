namespace Agora.Web.Features.Console;

/// <summary>Identity's partner API keys (<c>/api/v1/api-keys</c>; Identity checks role and scope against the account).</summary>
public sealed partial class StaffClient
{
    private const string ApiKeysPath = "/api/v1/api-keys";

    /// <summary>Every key, newest first; never a key itself.</summary>
    public Task<StaffAnswer<List<ApiKeyRow>>> ApiKeysAsync(string token, CancellationToken ct) =>
        CallAsync<List<ApiKeyRow>>(HttpMethod.Get, ApiKeysPath, token, null, null, ct);

    /// <summary>A new key with a name and scopes; the answer holds the key, which Identity shows this once only.</summary>
    public Task<StaffAnswer<CreatedApiKey>> CreateApiKeyAsync(string token, string name, IReadOnlyList<string> scopes, CancellationToken ct) =>
        CallAsync<CreatedApiKey>(HttpMethod.Post, ApiKeysPath, token, new NewApiKey(name, scopes), null, ct);

    /// <summary>Revokes key <paramref name="id"/> at once (revoking a revoked key changes nothing).</summary>
    public async Task<StaffError?> RevokeApiKeyAsync(string token, string id, CancellationToken ct) =>
        (await CallAsync<object>(HttpMethod.Delete, $"{ApiKeysPath}/{Uri.EscapeDataString(id)}", token, null, null, ct)).Error;

    private sealed record NewApiKey(string Name, IReadOnlyList<string> Scopes);
}
