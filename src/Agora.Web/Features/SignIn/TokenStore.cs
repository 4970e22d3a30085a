using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Agora.Web.Features.Storage;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Agora.Web.Features.SignIn;

/// <summary>
/// The signed-in customers' tokens, on the server (the storefront's database): the browser's cookie carries only the
/// session's id (<see cref="StorefrontSignIn.SessionClaim"/>). An access token about to expire is refreshed with the
/// refresh token, one refresh per session at a time (Identity rotates refresh tokens and revokes the grant when one is
/// used twice).
/// </summary>
public sealed partial class TokenStore(
    IDbContextFactory<WebDbContext> factory,
    IOptionsMonitor<OpenIdConnectOptions> oidc,
    IOptions<WebOptions> web,
    TimeProvider clock,
    ILogger<TokenStore> logger)
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Refreshing = new(StringComparer.Ordinal);

    /// <summary>Refresh this long before the access token expires.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(60);

    /// <summary>Keeps the tokens of a new sign-in; returns the session id the cookie will carry.</summary>
    public async Task<string> CreateAsync(string subject, OpenIdConnectMessage tokens, CancellationToken ct)
    {
        var id = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Sessions.Add(new WebSessionEntity
        {
            Id = id, Subject = subject, AccessToken = tokens.AccessToken, RefreshToken = tokens.RefreshToken, IdToken = tokens.IdToken,
            AccessTokenExpiresAt = ExpiresAt(tokens.ExpiresIn), CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        return id;
    }

    /// <summary>The session's id token (for the end-session request), or null.</summary>
    public async Task<string?> IdTokenAsync(string sessionId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return (await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, ct))?.IdToken;
    }

    public async Task<bool> ExistsAsync(string sessionId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Sessions.AnyAsync(s => s.Id == sessionId, ct);
    }

    /// <summary>Forgets the session (sign-out).</summary>
    public async Task RemoveAsync(string sessionId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Sessions.Where(s => s.Id == sessionId).ExecuteDeleteAsync(ct);
    }

    /// <summary>A valid access token of <paramref name="user"/>'s session (refreshed if needed), or null: sign in again.</summary>
    public Task<string?> AccessTokenAsync(ClaimsPrincipal user, CancellationToken ct) =>
        user.FindFirst(StorefrontSignIn.SessionClaim)?.Value is { } id ? AccessTokenAsync(id, ct) : Task.FromResult<string?>(null);

    public async Task<string?> AccessTokenAsync(string sessionId, CancellationToken ct)
    {
        var gate = Refreshing.GetOrAdd(sessionId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == sessionId, ct);
            if (session is null)
            {
                return null;
            }

            if (session.AccessTokenExpiresAt - Margin > clock.GetUtcNow())
            {
                return session.AccessToken;
            }

            if (session.RefreshToken is null || await RefreshAsync(session.RefreshToken, ct) is not { } fresh)
            {
                db.Sessions.Remove(session);
                await db.SaveChangesAsync(ct);
                return null;
            }

            session.AccessToken = (string)fresh["access_token"]!;
            session.RefreshToken = (string?)fresh["refresh_token"] ?? session.RefreshToken;
            session.IdToken = (string?)fresh["id_token"] ?? session.IdToken;
            session.AccessTokenExpiresAt = ExpiresAt((string?)fresh["expires_in"]?.ToString());
            await db.SaveChangesAsync(ct);
            return session.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<JsonNode?> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        var options = oidc.Get(OpenIdConnectDefaults.AuthenticationScheme);
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(ct);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken,
            ["client_id"] = web.Value.Oidc.ClientId, ["client_secret"] = web.Value.Oidc.ClientSecret ?? "",
        });
        using var response = await options.Backchannel.PostAsync(configuration.TokenEndpoint, form, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            LogRefreshRefused(logger, (int)response.StatusCode);
            return null;
        }

        return JsonNode.Parse(body);
    }

    private DateTimeOffset ExpiresAt(string? expiresIn) =>
        clock.GetUtcNow().AddSeconds(int.TryParse(expiresIn, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : 300);

    [LoggerMessage(EventId = 9420, Level = LogLevel.Information, Message = "Identity refused to refresh a session's token ({Status}): the customer signs in again")]
    private static partial void LogRefreshRefused(ILogger logger, int status);
}
