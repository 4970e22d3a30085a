using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace Agora.Identity.Features.Connect;

/// <summary><c>/connect/authorize</c> (GET, POST): the authorization code flow's decisions, after OpenIddict validated the request.</summary>
internal static class Authorize
{
    /// <summary>
    /// Authorization code flow: unauthenticated users go to the login page and come back; first-party clients are
    /// consented implicitly, third-party clients ask the user once (the consent is then stored as an authorization).
    /// </summary>
    public static async Task<IResult> HandleAsync(
        HttpContext context, IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations,
        IdentityDbContext db)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("No OpenID Connect request.");
        var login = await context.AuthenticateAsync(IdentityDefaults.LoginScheme);
        if (!login.Succeeded || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return ConnectEndpoints.Forbid(Errors.LoginRequired, "The user is not logged in.");
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
            return ConnectEndpoints.Forbid(Errors.LoginRequired, "The account is not active.");
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
                    return ConnectEndpoints.Forbid(Errors.ConsentRequired, "Interactive consent is required.");
                }

                if (context.Request.HasFormContentType && context.Request.Form["consent"] == "deny")
                {
                    return ConnectEndpoints.Forbid(Errors.AccessDenied, "The user denied the request.");
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
}
