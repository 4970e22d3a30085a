using System.Security.Claims;
using Agora.Identity.Features.Clients;
using Agora.Identity.Infrastructure;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Agora.Identity.Features.Connect;

/// <summary>The passthrough endpoints of the authorization server: OpenIddict validates, these decide.</summary>
internal static class ConnectEndpoints
{
    public static IEndpointRouteBuilder MapConnectEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/connect/authorize", ["GET", "POST"], (Delegate)AuthorizeAsync).ExcludeFromDescription();
        app.MapPost("/connect/token", TokenAsync).ExcludeFromDescription();
        app.MapMethods("/connect/userinfo", ["GET", "POST"], (Delegate)UserInfoAsync).ExcludeFromDescription();
        app.MapMethods("/connect/endsession", ["GET", "POST"], (Delegate)EndSessionAsync).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Authorization code flow: unauthenticated users go to the login page and come back; first-party clients are
    /// consented implicitly, third-party clients ask the user once (the consent is then stored as an authorization).
    /// </summary>
    private static async Task<IResult> AuthorizeAsync(
        HttpContext context, IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations,
        IdentityDbContext db)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("No OpenID Connect request.");
        var login = await context.AuthenticateAsync(IdentityDefaults.LoginScheme);
        if (!login.Succeeded || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not logged in.");
            }

            return Results.Challenge(new AuthenticationProperties { RedirectUri = context.Request.PathBase + context.Request.Path + QueryString.Create(
                context.Request.HasFormContentType ? context.Request.Form.Select(f => KeyValuePair.Create(f.Key, (string?)f.Value.ToString()))
                    : context.Request.Query.Where(q => q.Key != "prompt").Select(q => KeyValuePair.Create(q.Key, (string?)q.Value.ToString()))) },
                [IdentityDefaults.LoginScheme]);
        }

        var userId = login.Principal!.FindFirstValue(Claims.Subject)!;
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && u.Status == UserStatus.Active, context.RequestAborted);
        if (user is null)
        {
            await context.SignOutAsync(IdentityDefaults.LoginScheme);
            return Forbid(Errors.LoginRequired, "The account is not active.");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted)
            ?? throw new InvalidOperationException("OpenIddict validated an unknown client.");
        var applicationId = await applications.GetIdAsync(application, context.RequestAborted);
        // What was asked ∩ what the client may ask ∩ what this user's roles allow through this client (ScopePolicy).
        var client = await ClientRegistry.FactsAsync(applications, request.ClientId!, context.RequestAborted);
        var granted = ScopePolicy.ForUser(request.GetScopes(), client, user.RoleList);
        var existing = await authorizations.FindAsync(subject: user.Id, client: applicationId, status: Statuses.Valid,
            type: AuthorizationTypes.Permanent, scopes: [.. granted], cancellationToken: context.RequestAborted).ToListAsync();
        var consentType = await applications.GetConsentTypeAsync(application, context.RequestAborted);

        if (consentType == ConsentTypes.Explicit && existing.Count == 0)
        {
            if (!context.Request.HasFormContentType || context.Request.Form["consent"] != "grant")
            {
                if (request.HasPromptValue(PromptValues.None))
                {
                    return Forbid(Errors.ConsentRequired, "Interactive consent is required.");
                }

                if (context.Request.HasFormContentType && context.Request.Form["consent"] == "deny")
                {
                    return Forbid(Errors.AccessDenied, "The user denied the request.");
                }

                Account.FrameGuard.Apply(context.Response);
                return Results.Content(Account.Pages.Consent(context, await applications.GetDisplayNameAsync(application, context.RequestAborted) ?? request.ClientId!, request, granted),
                    "text/html; charset=utf-8");
            }

            await context.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>().ValidateRequestAsync(context);
        }

        var identity = Principals.ForUser(user, granted, client);
        var authorization = existing.LastOrDefault() ?? await authorizations.CreateAsync(identity: identity, subject: user.Id,
            client: applicationId!, type: AuthorizationTypes.Permanent, scopes: identity.GetScopes(), cancellationToken: context.RequestAborted);
        identity.SetAuthorizationId(await authorizations.GetIdAsync(authorization, context.RequestAborted));
        identity.SetResources(IdentityDefaults.Audience);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Issues tokens: client credentials for services; code and refresh grants re-checked against the user.</summary>
    private static async Task<IResult> TokenAsync(HttpContext context, IOpenIddictApplicationManager applications, IdentityDbContext db)
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
                return Forbid(Errors.InvalidScope, $"This client may not hold: {string.Join(' ', refused)}.");
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
                return Forbid(Errors.InvalidGrant, "The account no longer exists or is not active.");
            }

            // Fresh claims and a fresh decision: roles read now, so a revoked role shrinks this refresh's scopes.
            var identity = Principals.ForUser(user, ScopePolicy.ForUser(stored.GetScopes(), client, user.RoleList), client);
            identity.SetAuthorizationId(stored.GetAuthorizationId());
            identity.SetResources(stored.GetResources());
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Forbid(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    private static async Task<IResult> UserInfoAsync(HttpContext context, IdentityDbContext db)
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

    private static async Task<IResult> EndSessionAsync(HttpContext context)
    {
        await context.SignOutAsync(IdentityDefaults.LoginScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static IResult Forbid(string error, string description) => Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}

/// <summary>What goes into tokens.</summary>
internal static class Principals
{
    /// <summary>
    /// A user's token: the <c>roles</c> claim only when the <c>roles</c> scope was granted to a first-party client
    /// (a third-party client never learns that its user is staff, nor gets to act on it).
    /// </summary>
    public static ClaimsIdentity ForUser(User user, IReadOnlyCollection<string> grantedScopes, ClientFacts client)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id).SetClaim(Claims.Name, user.Name).SetClaim(Claims.Email, user.Email);
        if (!string.IsNullOrEmpty(user.Locale))
        {
            // Services that write to the user (Ordering snapshots it for Notification) use it to pick a language.
            identity.SetClaim(Claims.Locale, user.Locale);
        }

        if (client.FirstParty && grantedScopes.Contains(Scopes.Roles))
        {
            identity.SetClaims("roles", [.. user.RoleList]);
        }

        identity.SetScopes(grantedScopes);
        identity.SetDestinations(DestinationsOf);
        return identity;
    }

    public static ClaimsIdentity ForClient(string clientId, string? name, IEnumerable<string> grantedScopes)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId).SetClaim(Claims.Name, name ?? clientId);
        identity.SetScopes(grantedScopes);
        identity.SetResources(IdentityDefaults.Audience);
        identity.SetDestinations(DestinationsOf);
        return identity;
    }

    /// <summary>Access tokens carry what APIs authorize on; identity tokens only what the granted scopes allow.</summary>
    private static IEnumerable<string> DestinationsOf(Claim claim) => claim.Type switch
    {
        Claims.Name when claim.Subject!.HasScope(Scopes.Profile) => [Destinations.AccessToken, Destinations.IdentityToken],
        Claims.Email when claim.Subject!.HasScope(Scopes.Email) => [Destinations.AccessToken, Destinations.IdentityToken],
        "roles" => [Destinations.AccessToken],
        Claims.Name or Claims.Email => [Destinations.AccessToken],
        "AspNet.Identity.SecurityStamp" => [],
        _ => [Destinations.AccessToken],
    };
}
