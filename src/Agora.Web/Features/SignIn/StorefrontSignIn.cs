using System.Security.Claims;
using Agora.Web.Features.Cart;
using Agora.Web.Features.Shop;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Agora.Web.Features.SignIn;

/// <summary>
/// Sign-in through Identity: authorization code + PKCE as a confidential client (<c>Web:Oidc</c>), code redeemed on the
/// server; the tokens go to <see cref="TokenStore"/> and the browser gets an HttpOnly, Secure, SameSite=Lax cookie that
/// holds the customer's claims and the session id. A visitor's cart joins the customer's cart at sign-in.
/// </summary>
internal static class StorefrontSignIn
{
    /// <summary>The claim that names the server-side token session.</summary>
    public const string SessionClaim = "agora_session";

    /// <summary>The cookie names: all on <c>localhost</c> beside Identity's own (cookies do not tell ports apart).</summary>
    public const string CookieName = "agora.web.auth";

    public static IHostApplicationBuilder AddStorefrontSignIn(this IHostApplicationBuilder builder)
    {
        var web = builder.Configuration.GetSection(WebOptions.SectionName).Get<WebOptions>() ?? new WebOptions();
        builder.Services.AddSingleton<TokenStore>();
        builder.Services.AddHttpClient(IdentityBackchannel.ClientName)
            .AddHttpMessageHandler(() => new IdentityBackchannel(web.Oidc.Authority, web.Oidc.BackchannelUrl))
            .WithStorefrontResilience(TimeSpan.FromSeconds(10));
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.AccessDeniedPath = "/"; // never used: ConsoleAuthorization answers a refusal with a 403 page
                // Signed out elsewhere (the session's tokens are gone, or Identity refused to refresh them): the cookie goes too.
                o.Events.OnValidatePrincipal = async context =>
                {
                    var store = context.HttpContext.RequestServices.GetRequiredService<TokenStore>();
                    if (context.Principal?.FindFirst(SessionClaim)?.Value is not { } id || !await store.ExistsAsync(id, context.HttpContext.RequestAborted))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
            })
            .AddOpenIdConnect(o =>
            {
                o.Authority = web.Oidc.Authority;
                o.RequireHttpsMetadata = web.Oidc.Authority.StartsWith("https:", StringComparison.Ordinal);
                o.ClientId = web.Oidc.ClientId;
                o.ClientSecret = web.Oidc.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.SaveTokens = false;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = true;
                // The profile's language (Identity's user info under the profile scope) picks the storefront's.
                o.ClaimActions.MapUniqueJsonKey(Language.LanguageChoice.LocaleClaim, Language.LanguageChoice.LocaleClaim);
                o.Scope.Clear();
                foreach (var scope in web.Oidc.Scopes)
                {
                    o.Scope.Add(scope);
                }

                // The roles from Identity's user info (asked with the roles scope): the console's staff check (ConsoleAuthorization).
                o.ClaimActions.MapJsonKey(Console.ConsoleAuthorization.RoleClaim, "role");
                o.TokenValidationParameters.NameClaimType = "name";
                o.TokenValidationParameters.RoleClaimType = "role";
                o.CallbackPath = "/signin-oidc";
                o.SignedOutCallbackPath = "/signout-callback-oidc";
                o.SignedOutRedirectUri = "/";
                foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
                {
                    cookie.SameSite = SameSiteMode.Lax;
                    cookie.SecurePolicy = CookieSecurePolicy.Always;
                    cookie.HttpOnly = true;
                }

                o.CorrelationCookie.Name = "agora.web.correlation.";
                o.NonceCookie.Name = "agora.web.nonce.";
                o.Events.OnRedirectToIdentityProvider = context =>
                {
                    context.ProtocolMessage.IssuerAddress = IdentityBackchannel.Rewrite(context.ProtocolMessage.IssuerAddress, web.Oidc.Authority, web.Oidc.BrowserUrl, web.Oidc.BackchannelUrl);
                    if (context.Properties.Items.TryGetValue("login_hint", out var hint) && hint is not null)
                    {
                        context.ProtocolMessage.LoginHint = hint;
                    }

                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToIdentityProviderForSignOut = async context =>
                {
                    context.ProtocolMessage.IssuerAddress = IdentityBackchannel.Rewrite(context.ProtocolMessage.IssuerAddress, web.Oidc.Authority, web.Oidc.BrowserUrl, web.Oidc.BackchannelUrl);
                    context.ProtocolMessage.ClientId = web.Oidc.ClientId;
                    if (context.Properties.Items.TryGetValue("id_token", out var idToken) && idToken is not null)
                    {
                        context.ProtocolMessage.IdTokenHint = idToken;
                    }

                    await Task.CompletedTask;
                };
                o.Events.OnTokenValidated = async context =>
                {
                    var services = context.HttpContext.RequestServices;
                    var subject = context.Principal!.FindFirst("sub")!.Value;
                    var session = await services.GetRequiredService<TokenStore>().CreateAsync(subject, context.TokenEndpointResponse!, context.HttpContext.RequestAborted);
                    ((ClaimsIdentity)context.Principal.Identity!).AddClaim(new Claim(SessionClaim, session));
                    // What Identity granted this sign-in (a customer's token never carries admin:ops, whatever was asked).
                    ((ClaimsIdentity)context.Principal.Identity!).AddClaims(Console.ConsoleAuthorization.ScopeClaims(context.TokenEndpointResponse!.Scope));
                    await services.GetRequiredService<CartStore>().AdoptVisitorCartAsync(context.HttpContext, subject, context.HttpContext.RequestAborted);
                };
            });
        builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory>((o, factory) => o.Backchannel = factory.CreateClient(IdentityBackchannel.ClientName));
        builder.Services.AddAuthorization();
        return builder;
    }
}

/// <summary>
/// The server's calls to Identity (discovery, keys, token, user info): addresses under the issuer go to
/// <c>Web:Oidc:BackchannelUrl</c> when it is set (under mutual TLS Identity answers https only, while its issuer and
/// discovery document keep saying http).
/// </summary>
internal sealed class IdentityBackchannel(string issuer, string? backchannel) : DelegatingHandler
{
    public const string ClientName = "identity";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri)
        {
            request.RequestUri = new Uri(Rewrite(uri.ToString(), issuer, backchannel));
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// <paramref name="address"/> with the <paramref name="issuer"/> prefix, or the <paramref name="backchannel"/> one
    /// (endpoints Identity named after a back-channel request), replaced by <paramref name="replacement"/> (if set).
    /// </summary>
    public static string Rewrite(string address, string issuer, string? replacement, string? backchannel = null)
    {
        if (string.IsNullOrEmpty(replacement))
        {
            return address;
        }

        foreach (var prefix in new[] { issuer, backchannel })
        {
            var from = prefix?.TrimEnd('/') + "/";
            if (prefix is not null && address.StartsWith(from, StringComparison.Ordinal))
            {
                return replacement.TrimEnd('/') + "/" + address[from.Length..];
            }
        }

        return address;
    }
}
