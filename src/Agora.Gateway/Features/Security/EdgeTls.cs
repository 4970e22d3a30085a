using Microsoft.AspNetCore.HttpsPolicy;

namespace Agora.Gateway.Features.Security;

/// <summary>
/// Issue 14, TLS at the edge. When <see cref="GatewayHttpsOptions.Port"/> is set (the AppHost's
/// <c>--Agora:Tls:Edge=true</c> sets 8443), the gateway serves HTTPS there — Kestrel's endpoint
/// <c>Kestrel:Endpoints:Https:Url</c>, with the certificate of <c>Agora:Tls:Https:CertificatePath</c> and <c>…:KeyPath</c>
/// (PEM files from <c>scripts/certs.sh</c> or cert-manager) read again at each handshake by the service defaults, so a
/// renewal is served from the next connection and the port stays bound — answers HTTPS with
/// <c>Strict-Transport-Security</c>, and redirects plain HTTP there (308,
/// so a POST stays a POST). Probes keep plain HTTP: <c>/health/*</c> and the management port are never redirected.
/// Unset (the default, and the embedded mode): plain HTTP only, nothing changes.
/// </summary>
internal static class EdgeTls
{
    /// <summary>Reads <c>Gateway:Https</c> at start; registers HSTS and the redirect when a port is set.</summary>
    public static IHostApplicationBuilder AddEdgeTls(this IHostApplicationBuilder builder)
    {
        var https = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>()?.Https ?? new GatewayHttpsOptions();
        if (https.Port is not { } port)
        {
            return builder;
        }

        builder.Services.AddHsts(o =>
        {
            o.MaxAge = https.HstsMaxAge;
            o.IncludeSubDomains = false;
            o.Preload = false;
        });
        builder.Services.AddHttpsRedirection(o =>
        {
            o.HttpsPort = port;
            o.RedirectStatusCode = StatusCodes.Status308PermanentRedirect;
        });
        builder.Services.AddSingleton(https);
        return builder;
    }

    /// <summary>HSTS on HTTPS answers; plain HTTP redirected, except probes (<c>/health/*</c>, the management port).</summary>
    public static WebApplication UseEdgeTls(this WebApplication app)
    {
        if (app.Services.GetService<GatewayHttpsOptions>() is null)
        {
            return app;
        }

        var managementPort = app.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>()?.Management.Port;
        app.UseHsts();
        app.UseWhen(
            context => !context.Request.IsHttps
                && !context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
                && context.Connection.LocalPort != managementPort,
            redirect => redirect.UseHttpsRedirection());
        return app;
    }
}
