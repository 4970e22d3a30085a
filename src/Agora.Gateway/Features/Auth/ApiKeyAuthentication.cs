using System.Security.Claims;
using System.Text.Encodings.Web;
using Agora.Http;
using Agora.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Agora.Gateway.Features.Auth;

/// <summary>Claims of an API-key principal; <see cref="KeyId"/> is what rate limiting partitions by.</summary>
public static class ApiKeyClaims
{
    /// <summary>The key's id (<c>key_…</c>), never the key.</summary>
    public const string KeyId = "api_key_id";

    /// <summary>The key's name (the partner).</summary>
    public const string Name = "api_key_name";
}

/// <summary>
/// The <c>ApiKey</c> scheme: reads <c>X-API-Key</c>, asks <see cref="ApiKeyCache"/>, and signs the partner in with
/// claims <c>api_key_id</c>, <c>api_key_name</c> and the key's scopes as <c>scope</c>. A challenge answers 401
/// <c>INVALID_API_KEY</c>, or 503 when Identity cannot be asked.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyCache keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-API-Key";
    private const string UnavailableItem = "agora.api_key_unavailable";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[Header].ToString().Trim();
        if (presented.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var (outcome, identity) = await keys.VerifyAsync(presented, Context.RequestAborted);
        switch (outcome)
        {
            case ApiKeyOutcome.Valid:
                var claims = new List<Claim>
                {
                    new(ApiKeyClaims.KeyId, identity!.KeyId),
                    new(ApiKeyClaims.Name, identity.Name),
                    new(AgoraClaims.Scope, string.Join(' ', identity.Scopes)),
                };
                var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ApiKeyClaims.Name, AgoraClaims.Roles));
                return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
            case ApiKeyOutcome.Unavailable:
                Context.Items[UnavailableItem] = true;
                return AuthenticateResult.Fail("API keys cannot be verified right now.");
            default:
                return AuthenticateResult.Fail("Unknown, revoked or expired API key.");
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(UnavailableItem))
        {
            Response.Headers.RetryAfter = "5";
            return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable,
                "API keys cannot be verified right now; retry shortly.").ExecuteAsync(Context);
        }

        Response.Headers.WWWAuthenticate = "ApiKey header=\"X-API-Key\"";
        return ApiResults.Error(StatusCodes.Status401Unauthorized, "INVALID_API_KEY",
            Request.Headers.ContainsKey(Header) ? "The API key is unknown, revoked or expired." : "An API key (X-API-Key) or a bearer token is required.")
            .ExecuteAsync(Context);
    }
}
