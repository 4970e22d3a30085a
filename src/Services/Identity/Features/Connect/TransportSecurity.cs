using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Agora.Identity.Features.Connect;

/// <summary>
/// Issue 14, secure cookies: what Identity takes as HTTPS and what it asks of the browser.
/// <list type="bullet">
/// <item><c>Identity:TransportSecurity:RequireHttps</c> (default: true outside Development, false in it): OpenIddict
/// refuses plain-HTTP requests (its transport-security requirement) and the login and antiforgery cookies are always
/// <c>Secure</c>. When false (the two-command start on http://localhost) the cookies are <c>Secure</c> exactly when
/// the request is HTTPS (<see cref="CookieSecurePolicy.SameAsRequest"/>).</item>
/// <item>Both cookies are <c>HttpOnly</c> and <c>SameSite=Lax</c>.</item>
/// <item>When HTTPS is required, the sign-in pages (<c>/account/*</c>) answer plain HTTP with 400
/// <c>HTTPS_REQUIRED</c>, as OpenIddict's endpoints do (their antiforgery cookie could not be set over it).</item>
/// <item>A request is HTTPS when it arrived over TLS, or when a trusted proxy (the gateway; the one list
/// <c>Identity:Login:TrustedProxies</c>, addresses or networks, default loopback) says so in <c>X-Forwarded-Proto</c>. That header from any
/// other peer is ignored; <c>X-Forwarded-Host</c> is never believed (the issuer is configured).</item>
/// </list>
/// </summary>
internal static class TransportSecurity
{
    public const string RequireHttpsKey = "Identity:TransportSecurity:RequireHttps";

    /// <summary>Whether Identity requires HTTPS: <see cref="RequireHttpsKey"/>, by default everywhere but Development.</summary>
    public static bool RequireHttps(IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration["Identity:TransportSecurity:RequireHttps"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return !builder.Environment.IsDevelopment();
        }

        return bool.TryParse(configured, out var value)
            ? value
            : throw new InvalidOperationException($"{RequireHttpsKey} is '{configured}'; use true or false.");
    }

    /// <summary>The cookie policy for <paramref name="cookie"/>: HttpOnly, SameSite=Lax, Secure as above.</summary>
    public static void Harden(CookieBuilder cookie, bool requireHttps)
    {
        cookie.HttpOnly = true;
        cookie.SameSite = SameSiteMode.Lax;
        cookie.SecurePolicy = requireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
    }

    /// <summary>
    /// <c>X-Forwarded-Proto</c> believed from the trusted proxies only; whether HTTPS is required, for
    /// <see cref="UseTransportSecurity"/>.
    /// </summary>
    public static IHostApplicationBuilder AddTransportSecurity(this IHostApplicationBuilder builder, bool requireHttps)
    {
        builder.Services.AddSingleton(new Mode(requireHttps));
        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<LoginThrottleOptions>>((o, login) =>
            {
                o.ForwardedHeaders = ForwardedHeaders.XForwardedProto;
                o.KnownIPNetworks.Clear();
                o.KnownProxies.Clear();
                foreach (var network in new TrustedProxies(login.Value.TrustedProxies).Networks)
                {
                    o.KnownIPNetworks.Add(network);
                }
            });
        return builder;
    }

    /// <summary>
    /// First in the pipeline: the scheme a trusted proxy forwarded, before cookies and OpenIddict look at it; then,
    /// when HTTPS is required, plain HTTP to the sign-in pages refused.
    /// </summary>
    public static IApplicationBuilder UseTransportSecurity(this IApplicationBuilder app)
    {
        app.UseForwardedHeaders();
        if (app.ApplicationServices.GetRequiredService<Mode>().RequireHttps)
        {
            app.Use((context, next) => context.Request.IsHttps || !context.Request.Path.StartsWithSegments("/account", StringComparison.OrdinalIgnoreCase)
                ? next(context)
                : Agora.Http.ApiResults.Error(StatusCodes.Status400BadRequest, "HTTPS_REQUIRED", "Sign in over HTTPS.").ExecuteAsync(context));
        }

        return app;
    }

    private sealed record Mode(bool RequireHttps);
}
