using Agora.Http;
using Agora.Auth;
using Agora.Gateway.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Agora.Gateway.Features.Auth;

/// <summary>
/// Authentication at the edge: bearer tokens validated exactly as every service does (<c>AddAgoraAuthentication</c>:
/// RS256, <c>typ</c>, <c>iss</c>, <c>aud</c>, lifetime; each distinct token validated once and cached until it expires
/// or 60 s pass), and partner API keys. A route names its policy in configuration (<c>AuthorizationPolicy</c>):
/// <c>anonymous</c>, <see cref="Authenticated"/> (token or key) or <see cref="User"/> (token only). The services still
/// validate tokens themselves.
/// </summary>
internal static class EdgeAuthentication
{
    /// <summary>A bearer token or an API key.</summary>
    public const string Authenticated = "authenticated";

    /// <summary>A bearer token (a user or a service acting for itself); an API key is not enough.</summary>
    public const string User = "user";

    /// <summary>The default scheme: the key scheme when <c>X-API-Key</c> is present, else the bearer scheme.</summary>
    public const string EdgeScheme = "edge";

    public static IHostApplicationBuilder AddEdgeAuthentication(this IHostApplicationBuilder builder)
    {
        builder.AddAgoraAuthentication();
        builder.Services.AddHttpClient<ApiKeyVerifier>();
        builder.Services.AddSingleton<ApiKeyCache>();
        builder.Services.AddSingleton<IPreAuthenticationScreen>(sp => sp.GetRequiredService<ApiKeyCache>());
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(EdgeScheme, "Bearer token or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : JwtBearerDefaults.AuthenticationScheme);
        builder.Services.Configure<AuthenticationOptions>(o => o.DefaultScheme = EdgeScheme);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Authenticated, p => p.AddAuthenticationSchemes(EdgeScheme).RequireAuthenticatedUser())
            .AddPolicy(User, p => p.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>
    /// After authentication: a key in the URL is refused (400 <c>API_KEY_IN_URL</c>: it is already in some log), and a
    /// presented key that did not verify is refused even on an anonymous route (the partner should know at once).
    /// </summary>
    public static async Task GuardApiKeysAsync(HttpContext context, Func<Task> next)
    {
        var query = context.Request.Query;
        if (query.Count > 0 && (query.ContainsKey("api_key") || query.ContainsKey("apikey")
                || query.Any(q => q.Value.Any(v => v is not null && v.StartsWith("agk_", StringComparison.Ordinal)))))
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, "API_KEY_IN_URL",
                "Never put an API key in a URL; send it in the X-API-Key header. Treat this key as leaked and have it replaced.")
                .ExecuteAsync(context);
            return;
        }

        if (context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header) && context.User.Identity?.IsAuthenticated != true)
        {
            await context.ChallengeAsync(ApiKeyAuthenticationHandler.SchemeName);
            return;
        }

        await next();
    }
}
