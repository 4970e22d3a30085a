using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Web.Features.SignIn;

/// <summary><c>/signin</c> (to Identity and back to where the customer was) and <c>/signout</c> (here and at Identity).</summary>
internal static class SignInEndpoints
{
    public static IEndpointRouteBuilder MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signin", (string? returnUrl, string? loginHint) =>
        {
            var properties = new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) };
            if (!string.IsNullOrWhiteSpace(loginHint))
            {
                properties.Items["login_hint"] = loginHint;
            }

            return Results.Challenge(properties, [OpenIdConnectDefaults.AuthenticationScheme]);
        }).ExcludeFromDescription();

        // A form post with the antiforgery token (a link could sign anyone out from another site).
        app.MapPost("/signout", async (HttpContext context, TokenStore tokens, [FromForm] string? returnUrl) =>
        {
            var properties = new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) };
            if (context.User.FindFirst(StorefrontSignIn.SessionClaim)?.Value is { } session)
            {
                if (await tokens.IdTokenAsync(session, context.RequestAborted) is { } idToken)
                {
                    properties.Items["id_token"] = idToken;
                }

                await tokens.RemoveAsync(session, context.RequestAborted);
            }

            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            // Ends the login session at Identity too, which sends the browser back to /signout-callback-oidc, then home.
            return Results.SignOut(properties, [OpenIdConnectDefaults.AuthenticationScheme]);
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>A path of this site, or the home page (never an open redirect).</summary>
    public static string LocalOnly(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
        && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
