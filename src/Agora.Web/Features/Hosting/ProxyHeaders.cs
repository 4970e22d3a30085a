using Agora.Http;
using Microsoft.AspNetCore.HttpOverrides;

namespace Agora.Web.Features.Hosting;

/// <summary>
/// Behind the ingress or load balancer that terminates TLS for the storefront (Kubernetes), the request reaches the app
/// as plain HTTP; the OIDC redirect address and the cookies' Secure flag must still say https. The scheme and host
/// the proxy forwards (<c>X-Forwarded-Proto</c>, <c>X-Forwarded-Host</c>), and the visitor's address
/// (<c>X-Forwarded-For</c>, read from the right across trusted hops; passed on to the gateway by <see cref="VisitorAddress"/>),
/// are believed only from the networks in <see cref="WebOptions.TrustedProxies"/> (default: loopback); anyone else's
/// headers are ignored.
/// </summary>
internal static class ProxyHeaders
{
    public static IHostApplicationBuilder AddProxyHeaders(this IHostApplicationBuilder builder)
    {
        var proxies = builder.Configuration.GetSection(WebOptions.SectionName).Get<WebOptions>()?.TrustedProxies ?? new WebOptions().TrustedProxies;
        if (!TrustedProxies.AreValid(proxies))
        {
            throw new InvalidOperationException($"{WebOptions.SectionName}:TrustedProxies: IP addresses or CIDR networks (the ingress's), not '{string.Join(", ", proxies)}'.");
        }

        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedFor;
            o.ForwardLimit = null; // every trusted hop, not only the last
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var network in new TrustedProxies(proxies).Networks)
            {
                o.KnownIPNetworks.Add(network);
            }
        });
        return builder;
    }

    /// <summary>First in the pipeline, before the cookies and the OIDC handler read the scheme and host.</summary>
    public static IApplicationBuilder UseProxyHeaders(this IApplicationBuilder app) => app.UseForwardedHeaders();
}
