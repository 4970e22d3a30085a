using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace Agora.Identity.Features.Connect;

/// <summary><c>/connect/endsession</c> (GET, POST): signs out of the login session and back to the client.</summary>
internal static class EndSession
{
    public static async Task<IResult> HandleAsync(HttpContext context)
    {
        await context.SignOutAsync(IdentityDefaults.LoginScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
