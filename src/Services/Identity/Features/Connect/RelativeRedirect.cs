using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Agora.Identity.Features.Connect;

/// <summary>
/// The login page is named relative to the host the browser came through. The cookie handler would build it from the
/// request's own Host: behind the gateway that is Identity's internal address (https://localhost:5101, whose port asks
/// every caller for a client certificate under mutual TLS), which a browser cannot reach. <c>X-Forwarded-Host</c> is
/// not believed (see <see cref="TransportSecurity"/>), and a relative <c>Location</c> needs no host at all.
/// </summary>
internal static class RelativeRedirect
{
    public static Task ToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        var target = Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : context.RedirectUri;
        context.Response.Redirect(target);
        return Task.CompletedTask;
    }
}
