using System.Security.Claims;
using Agora.Web.Components.Console;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Web;

namespace Agora.Web.Features.Console;

/// <summary>
/// Who may open <c>/console</c>: staff as the services define it — the admin role (Identity's user info, asked with the
/// <c>roles</c> scope) AND the staff scope <c>admin:ops</c> granted to this sign-in's access token (Identity grants it
/// to admins only). This gate only decides what the console shows; every action is still the service's own decision on
/// the staff member's token. Signed in without it: a real 403 with a readable page; not signed in: Identity's sign-in.
/// </summary>
public static class ConsoleAuthorization
{
    public const string Policy = "web:console";

    /// <summary>The staff role (Agora.Auth's <c>AgoraRoles.Admin</c>).</summary>
    public const string StaffRole = "admin";

    /// <summary>The staff scope the console's calls need (Agora.Auth's <c>AgoraScopes.AdminOps</c>).</summary>
    public const string StaffScope = "admin:ops";

    /// <summary>A scope granted to the sign-in's access token (one claim per scope, from the token response).</summary>
    public const string ScopeClaim = "agora_scope";

    /// <summary>The role claim of Identity's user info.</summary>
    public const string RoleClaim = "role";

    /// <summary>Whether <paramref name="user"/> is staff by the rule above.</summary>
    public static bool IsStaff(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true
        && user.HasClaim(RoleClaim, StaffRole)
        && user.HasClaim(ScopeClaim, StaffScope);

    /// <summary>The scopes Identity granted, as claims (<c>scope</c> of the token response, space-separated).</summary>
    public static IEnumerable<Claim> ScopeClaims(string? scope) =>
        (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Select(s => new Claim(ScopeClaim, s));

    public static IServiceCollection AddConsoleAuthorization(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.RequireAuthenticatedUser().RequireAssertion(c => IsStaff(c.User)));
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure(o => o.Events.OnRedirectToAccessDenied = context => WriteForbiddenAsync(context.HttpContext));
        return services;
    }

    /// <summary>
    /// A signed-in user the policy refused: 403 and a page that says why and where to go, in place of the cookie
    /// handler's redirect (which would hide the refusal behind a 302).
    /// </summary>
    public static async Task WriteForbiddenAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/html; charset=utf-8";
        await using var renderer = new HtmlRenderer(context.RequestServices, context.RequestServices.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<ForbiddenPage>()).ToHtmlString());
        await context.Response.WriteAsync("<!DOCTYPE html>\n" + html, context.RequestAborted);
    }
}
