using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace Agora.Identity.Features.Connect;

/// <summary><c>POST /connect/token</c>: the code, refresh-token and client-credentials grants, after OpenIddict validated the request.</summary>
internal static class Token
{
    /// <summary>Issues tokens: client credentials for services; code and refresh grants re-checked against the user.</summary>
    public static async Task<IResult> HandleAsync(HttpContext context, IOpenIddictApplicationManager applications, IdentityDbContext db)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("No OpenID Connect request.");
        var client = await ClientRegistry.FactsAsync(applications, request.ClientId!, context.RequestAborted);
        if (request.IsClientCredentialsGrantType())
        {
            // A service gets exactly what it asked for, or nothing: each scope must be one services may hold and one
            // this client's permissions list (admin:ops needs a user with the admin role, so never here).
            var refused = request.GetScopes().Where(s => !ScopePolicy.ServiceMayHold(s, client)).ToList();
            if (refused.Count > 0)
            {
                return ConnectEndpoints.Forbid(Errors.InvalidScope, $"This client may not hold: {string.Join(' ', refused)}.");
            }

            var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted)
                ?? throw new InvalidOperationException("OpenIddict validated an unknown client.");
            var identity = Principals.ForClient(request.ClientId!, await applications.GetDisplayNameAsync(application, context.RequestAborted), request.GetScopes());
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var stored = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal!;
            var userId = stored.GetClaim(Claims.Subject);
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, context.RequestAborted);
            if (user is not { Status: UserStatus.Active })
            {
                return ConnectEndpoints.Forbid(Errors.InvalidGrant, "The account no longer exists or is not active.");
            }

            // Fresh claims and a fresh decision: roles read now, so a revoked role shrinks this refresh's scopes.
            var identity = Principals.ForUser(user, ScopePolicy.ForUser(stored.GetScopes(), client, user.RoleList), client);
            identity.SetAuthorizationId(stored.GetAuthorizationId());
            identity.SetResources(stored.GetResources());
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return ConnectEndpoints.Forbid(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }
}
