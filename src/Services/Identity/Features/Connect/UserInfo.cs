using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace Agora.Identity.Features.Connect;

/// <summary><c>/connect/userinfo</c> (GET, POST): the claims the granted scopes allow (profile: the name and, when set, the locale).</summary>
internal static class UserInfo
{
    public static async Task<IResult> HandleAsync(HttpContext context, IdentityDbContext db)
    {
        var principal = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var userId = principal?.GetClaim(Claims.Subject);
        var user = userId is null ? null : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, context.RequestAborted);
        if (user is null)
        {
            return Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The token's subject no longer exists.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = user.Id };
        if (principal!.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = user.Name;
            if (!string.IsNullOrEmpty(user.Locale))
            {
                // OpenID Connect's profile claim: the storefront shows its pages in the customer's language.
                claims[Claims.Locale] = user.Locale;
            }
        }

        if (principal!.HasScope(Scopes.Email))
        {
            claims[Claims.Email] = user.Email;
            claims[Claims.EmailVerified] = false;
        }

        if (principal!.HasScope(Scopes.Roles))
        {
            claims[Claims.Role] = user.RoleList;
        }

        return Results.Ok(claims);
    }
}
