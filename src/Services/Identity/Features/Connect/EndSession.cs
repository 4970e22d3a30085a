using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace Agora.Identity.Features.Connect;

/// <summary>
/// <c>/connect/endsession</c> (GET, POST): signs out of the login session and back to the client, at the
/// <c>post_logout_redirect_uri</c> OpenIddict validated against the client's registered ones; without one, to <c>/</c>.
/// </summary>
internal static class EndSession
{
    public static async Task<IResult> HandleAsync(HttpContext context)
    {
        await context.SignOutAsync(IdentityDefaults.LoginScheme);
        var backToClient = !string.IsNullOrEmpty(context.GetOpenIddictServerRequest()?.PostLogoutRedirectUri);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = backToClient ? null : "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
