using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace Agora.Identity.Features.Connect;

/// <summary>The passthrough endpoints of the authorization server: OpenIddict validates, these decide.</summary>
internal static class ConnectEndpoints
{
    public static IEndpointRouteBuilder MapConnectEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/connect/authorize", ["GET", "POST"], (Delegate)Authorize.HandleAsync).ExcludeFromDescription();
        app.MapPost("/connect/token", Token.HandleAsync).ExcludeFromDescription();
        app.MapMethods("/connect/userinfo", ["GET", "POST"], (Delegate)UserInfo.HandleAsync).ExcludeFromDescription();
        app.MapMethods("/connect/endsession", ["GET", "POST"], (Delegate)EndSession.HandleAsync).ExcludeFromDescription();
        return app;
    }

    /// <summary>A refusal in OpenIddict's terms (<c>error</c>, <c>error_description</c>).</summary>
    public static IResult Forbid(string error, string description) => Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
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
