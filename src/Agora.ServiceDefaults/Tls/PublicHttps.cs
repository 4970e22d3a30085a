using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Agora.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agora.ServiceDefaults.Tls;

/// <summary>
/// The public HTTPS endpoint of <see cref="HttpsEndpointOptions"/> (<c>Agora:Tls:Https</c>): its certificate is chosen
/// per handshake from a <see cref="ReloadingCertificate"/>, so a renewal on disk is served from the next connection while
/// the listening socket stays bound. No client certificate is asked for: browsers and API clients call it.
/// </summary>
internal sealed class PublicHttps
{
    private readonly ReloadingCertificate _certificate;

    /// <summary>Reads the pair now: a service whose certificate cannot be read does not start.</summary>
    public PublicHttps(HttpsEndpointOptions options, string contentRoot, ILogger<PublicHttps> logger)
    {
        var (certificate, key) = options.Files(contentRoot);
        _certificate = new ReloadingCertificate(certificate, key, logger);
        Endpoint = options.Endpoint;
        _ = _certificate.Current;
    }

    /// <summary>The Kestrel endpoint it serves.</summary>
    public string Endpoint { get; }

    /// <summary>The certificate served now.</summary>
    public X509Certificate2 Certificate => _certificate.Current;

    /// <summary>Kestrel's per-connection options: the current certificate, TLS 1.2 or 1.3, no client certificate.</summary>
    public TlsHandshakeCallbackOptions ServerOptions() => new()
    {
        OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
        {
            ServerCertificate = _certificate.Current,
            EnabledSslProtocols = PeerTls.Protocols,
            ClientCertificateRequired = false,
        }),
        HandshakeTimeout = PeerTls.HandshakeTimeout,
    };

    /// <summary>Serves <see cref="Endpoint"/> through <see cref="ServerOptions"/> when <c>Agora:Tls:Https</c> names a certificate.</summary>
    internal static IHostApplicationBuilder AddPublicHttps(IHostApplicationBuilder builder, AgoraTlsOptions tls)
    {
        if (!tls.Https.Enabled)
        {
            return builder;
        }

        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddSingleton(sp => new PublicHttps(tls.Https, contentRoot, sp.GetRequiredService<ILogger<PublicHttps>>()));
        builder.Services.AddOptions<KestrelServerOptions>().Configure<PublicHttps>((kestrel, https) =>
        {
            var loader = kestrel.ConfigurationLoader
                ?? throw new InvalidOperationException("Agora:Tls:Https needs Kestrel's endpoints from configuration (Kestrel:Endpoints).");
            loader.Endpoint(https.Endpoint, endpoint => endpoint.ListenOptions.UseHttps(https.ServerOptions()));
        });
        return builder;
    }
}
