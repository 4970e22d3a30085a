using Microsoft.AspNetCore.Authentication.Cookies;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace Agora.Identity.Features.Connect;

internal static class AuthorizationServer
{
    /// <summary>
    /// OpenIddict as the OAuth 2.0 / OIDC server, following RFC 9700: authorization code with PKCE (S256 only, every
    /// client), client credentials, rotating refresh tokens kept server-side (reference tokens; a replayed one revokes
    /// the whole authorization), no implicit or password grant; RS256 JWT access tokens, unencrypted so APIs can
    /// validate them, 15 minutes; keys from the <see cref="KeyRing"/>.
    /// </summary>
    public static IHostApplicationBuilder AddAuthorizationServer(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(IdentityOptions.SectionName).Get<IdentityOptions>() ?? new IdentityOptions();
        var requireHttps = TransportSecurity.RequireHttps(builder);
        builder.AddTransportSecurity(requireHttps);
        builder.Services.AddSingleton<KeyRing>();
        builder.Services.AddSingleton<VerifiedSecretCache>();
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, KeyRingServerOptions>();

        builder.Services.AddAuthentication(IdentityDefaults.LoginScheme)
            .AddCookie(IdentityDefaults.LoginScheme, o =>
            {
                o.LoginPath = "/account/login";
                o.LogoutPath = "/account/logout";
                o.Cookie.Name = "agora.login";
                TransportSecurity.Harden(o.Cookie, requireHttps);
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = RelativeRedirect.ToLogin;
            });
        builder.Services.AddAuthorization();
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "agora.antiforgery";
            TransportSecurity.Harden(o.Cookie, requireHttps);
        });

        builder.Services.AddOpenIddict()
            .AddCore(o =>
            {
                o.UseEntityFrameworkCore().UseDbContext<IdentityDbContext>();
                o.ReplaceApplicationManager<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication, CachingApplicationManager>();
            })
            .AddServer(o =>
            {
                o.SetIssuer(options.Issuer);
                o.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/endsession");

                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowClientCredentialsFlow()
                    .AllowRefreshTokenFlow();
                o.RegisterScopes([Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles, Scopes.OfflineAccess, .. IdentityDefaults.ApiScopes]);
                // Scopes a client may not ask for are dropped (not refused) by ConnectEndpoints, which intersects what
                // was asked with the client's permissions and the user's roles (ScopePolicy); OpenIddict would refuse
                // the whole request instead.
                o.IgnoreScopePermissions();

                o.SetAccessTokenLifetime(IdentityDefaults.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(IdentityDefaults.RefreshTokenLifetime)
                    .SetAuthorizationCodeLifetime(IdentityDefaults.AuthorizationCodeLifetime);
                o.DisableAccessTokenEncryption();
                o.UseReferenceRefreshTokens();
                // No grace window: a second use of a refresh token is a replay and revokes its whole authorization.
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // Keys come from KeyRingServerOptions; nothing temporary.
                o.Configure(server => server.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));

                var aspNetCore = o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                if (!requireHttps)
                {
                    // Plain http://localhost in Development (the two-command start), or explicitly configured
                    // (Identity:TransportSecurity:RequireHttps=false, e.g. behind a mesh that encrypts the hop).
                    aspNetCore.DisableTransportSecurityRequirement();
                }

                // Mutual TLS between services (issue 14): the gateway and every peer present their certificate on every
                // connection to Identity. That certificate proves the hop, not an OAuth client: OpenIddict must not take it
                // for RFC 8705 client authentication (which no client here uses) and refuse the request (ID2205).
                // Clients authenticate with their secrets or PKCE, as before.
                o.RemoveEventHandler(OpenIddictServerAspNetCoreHandlers.ExtractClientCertificate<OpenIddictServerEvents.ExtractTokenRequestContext>.Descriptor)
                    .RemoveEventHandler(OpenIddictServerAspNetCoreHandlers.ExtractClientCertificate<OpenIddictServerEvents.ExtractIntrospectionRequestContext>.Descriptor)
                    .RemoveEventHandler(OpenIddictServerAspNetCoreHandlers.ExtractClientCertificate<OpenIddictServerEvents.ExtractRevocationRequestContext>.Descriptor);
            })
            .AddValidation(o =>
            {
                // The users API accepts only tokens issued for Agora's APIs (RFC 8725: validate aud).
                o.AddAudiences(IdentityDefaults.Audience);
                o.UseLocalServer();
                o.UseAspNetCore();
            });
        return builder;
    }
}
