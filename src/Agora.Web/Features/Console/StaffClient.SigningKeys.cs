namespace Agora.Web.Features.Console;

/// <summary>Identity's signing keys (<c>/api/v1/admin/signing-keys</c>; Identity checks role and scope).</summary>
public sealed partial class StaffClient
{
    private const string SigningKeysPath = "/api/v1/admin/signing-keys";

    /// <summary>Every key of the authorization server, oldest first; never a private part.</summary>
    public Task<StaffAnswer<List<SigningKey>>> SigningKeysAsync(string token, CancellationToken ct) =>
        CallAsync<List<SigningKey>>(HttpMethod.Get, SigningKeysPath, token, null, null, ct);

    /// <summary>Rotates now: the next key starts signing, the current one is retired (still published until its tokens expire).</summary>
    public async Task<StaffError?> RotateSigningKeysAsync(string token, CancellationToken ct) =>
        (await CallAsync<List<SigningKey>>(HttpMethod.Post, SigningKeysPath + "/rotate", token, null, null, ct)).Error;
}
