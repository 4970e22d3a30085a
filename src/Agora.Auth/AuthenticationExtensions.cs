using System.Net;
using Agora.Http;
using Agora.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Agora.Auth;

/// <summary>
/// Bearer-token validation shared by every service: <c>builder.AddAgoraAuthentication()</c> after
/// <c>AddServiceDefaults</c>. <c>MapDefaultEndpoints</c> then puts authentication and authorization in the pipeline.
/// </summary>
public static class AuthenticationExtensions
{
    /// <summary>The access-token types accepted (RFC 9068 §2.1): anything else, such as an id_token, is refused.</summary>
    public static readonly IReadOnlyList<string> AccessTokenTypes = ["at+jwt", "application/at+jwt"];

    /// <summary>
    /// JwtBearer against Identity's discovery document and JWKS: RS256 only, <c>typ</c> at+jwt, <c>iss</c>,
    /// <c>aud</c>, <c>exp</c>, <c>nbf</c> checked with at most 30 s of skew, keys only from the JWKS (a token's
    /// <c>jku</c>, <c>jwk</c>, <c>x5u</c> or <c>x5c</c> headers are never read), keys cached and fetched again
    /// when a token names an unknown <c>kid</c>, at most once per <see cref="AgoraAuthOptions.KeyRefreshInterval"/>.
    /// Also declares the bearer scheme in the OpenAPI document.
    /// </summary>
    public static IHostApplicationBuilder AddAgoraAuthentication(this IHostApplicationBuilder builder)
    {
        // By default IdentityModel refreshes keys on a background thread and the request that found the unknown kid
        // fails anyway; blocking makes the first token signed with a newly rotated key pass, and spares every
        // configuration manager a thread-pool thread polling twice a second. Refreshes stay throttled either way.
        AppContext.SetSwitch("Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking", true);

        builder.Services.AddValidatedOptions<AgoraAuthOptions>(AgoraAuthOptions.SectionName)
            .Validate(o => IsHttpUrl(o.Authority) && (string.IsNullOrEmpty(o.MetadataAddress) || IsHttpUrl(o.MetadataAddress)),
                "Agora:Auth:Authority (and MetadataAddress, if set) must be absolute http(s) URLs.")
            .Validate<IHostEnvironment>((o, env) => !RequiresHttps(o, env) || (IsHttps(o.Authority) && (string.IsNullOrEmpty(o.MetadataAddress) || IsHttps(o.MetadataAddress))),
                "Agora:Auth:Authority must use https: keys fetched over plain HTTP across a network can be swapped. "
                + "Plain HTTP is accepted for a loopback authority and in Development/Testing; behind a mesh that encrypts "
                + "the hop, set Agora:Auth:RequireHttpsMetadata=false.");

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureAgoraJwtBearer>();
        builder.Services.AddAuthorization();
        builder.Services.AddPeerAuthorization();
        builder.Services.AddAgoraOpenApiSecurity();
        return builder;
    }

    /// <summary>
    /// HTTPS unless configured otherwise, or the authority is on loopback (no network to tamper with the keys on
    /// the way), or the environment is Development or Testing.
    /// </summary>
    internal static bool RequiresHttps(AgoraAuthOptions options, IHostEnvironment environment) =>
        options.RequireHttpsMetadata
        ?? !(IsLoopback(options.MetadataAddress is { Length: > 0 } m ? m : options.Authority)
            || environment.IsDevelopment()
            || environment.IsEnvironment("Testing"));

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static bool IsHttps(string value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;

    private static bool IsLoopback(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
}

/// <summary>Applies <see cref="AgoraAuthOptions"/> to the JwtBearer scheme.</summary>
internal sealed partial class ConfigureAgoraJwtBearer(
    IOptions<AgoraAuthOptions> auth,
    IOptions<AgoraOptions> agora,
    IHostEnvironment environment,
    TimeProvider clock,
    IConfiguration configuration,
    IServiceProvider services,
    ILogger<ConfigureAgoraJwtBearer> logger) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name == JwtBearerDefaults.AuthenticationScheme)
        {
            Configure(options);
        }
    }

    public void Configure(JwtBearerOptions options)
    {
        var o = auth.Value;
        options.Authority = o.Authority;
        if (!string.IsNullOrEmpty(o.MetadataAddress))
        {
            options.MetadataAddress = o.MetadataAddress;
        }

        options.RequireHttpsMetadata = AuthenticationExtensions.RequiresHttps(o, environment);
        options.BackchannelTimeout = o.MetadataTimeout;
        if (AgoraTlsOptions.From(configuration).Mutual)
        {
            // Mutual TLS: discovery and keys are fetched through a factory-made client, which presents the service's
            // certificate and pins the project CA (ServiceDefaults' Tls/MutualTls.cs); JwtBearer's own client would do neither.
            var backchannel = services.GetRequiredService<System.Net.Http.IHttpClientFactory>().CreateClient("agora-auth-metadata");
            backchannel.Timeout = o.MetadataTimeout;
            options.Backchannel = backchannel;

            // Identity keeps the issuer clients know (http://localhost:5101/ locally), and its discovery document names
            // its keys under that issuer, an address its TLS-only port does not answer. Every document is fetched from
            // the authority instead (IssuerToAuthorityRetriever), over this client: mutual TLS, the project CA pinned.
            var metadata = string.IsNullOrEmpty(o.MetadataAddress) ? o.Authority.TrimEnd('/') + "/.well-known/openid-configuration" : o.MetadataAddress;
            options.MetadataAddress = metadata;
            options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(metadata, new OpenIdConnectConfigurationRetriever(),
                new IssuerToAuthorityRetriever(string.IsNullOrEmpty(o.Issuer) ? o.Authority : o.Issuer, o.Authority,
                    new HttpDocumentRetriever(backchannel) { RequireHttps = options.RequireHttpsMetadata }))
            {
                RefreshInterval = o.KeyRefreshInterval,
                AutomaticRefreshInterval = o.KeyCacheDuration,
            };
        }

        // The configuration manager JwtBearer builds from these caches discovery + JWKS for KeyCacheDuration and
        // honours a refresh request (unknown kid, bad signature) at most once per KeyRefreshInterval.
        options.RefreshOnIssuerKeyNotFound = true;
        options.RefreshInterval = o.KeyRefreshInterval;
        options.AutomaticRefreshInterval = o.KeyCacheDuration;

        // Claims arrive as Identity wrote them (sub, scope, roles), not renamed to WS-Federation URIs.
        options.MapInboundClaims = false;
        options.SaveToken = false;
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(new CachingJsonWebTokenHandler(clock) { MapInboundClaims = false });
        options.TimeProvider = clock;

        var audiences = new List<string> { o.Audience };
        if (o.AcceptServiceAudience && !string.IsNullOrEmpty(agora.Value.ServiceName) && agora.Value.ServiceName != o.Audience)
        {
            audiences.Add(agora.Value.ServiceName);
        }

        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = string.IsNullOrEmpty(o.Issuer) ? o.Authority : o.Issuer,
            ValidateIssuer = true,
            ValidAudiences = audiences,
            ValidateAudience = true,
            RequireAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,

            // Against the system clock: IdentityModel 8.x takes no TimeProvider for lifetimes (its property is internal).
            ClockSkew = o.ClockSkew,

            // RS256 only (RFC 8725 §3.1): no "none", no HMAC keyed with the public key, no algorithm the issuer never uses.
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,

            // A token must name its key; trying every key on a missing or unknown kid would hide rotation problems
            // and multiply the cost of forged tokens.
            TryAllIssuerSigningKeys = false,

            // An id_token (typ JWT) or any other JWT from the same issuer is not an access token (RFC 9068 §4).
            ValidTypes = AuthenticationExtensions.AccessTokenTypes,

            NameClaimType = AgoraClaims.Subject,
            RoleClaimType = AgoraClaims.Roles,
        };

        options.Events = new JwtBearerEvents
        {
            OnAuthenticationFailed = context =>
            {
                // The reason only: the token itself is a credential and never goes to the log.
                LogTokenRejected(logger, context.Request.Method, context.Request.Path, context.Exception.GetType().Name);
                return Task.CompletedTask;
            },
        };
    }

    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Bearer token rejected on {Method} {Path}: {Reason}")]
    private static partial void LogTokenRejected(ILogger logger, string method, Microsoft.AspNetCore.Http.PathString path, string reason);
}
