namespace Agora.Hosting;

/// <summary>
/// <c>Agora:Tls:Https</c> (issue 14): a public HTTPS endpoint (the gateway's 8443) served with a PEM certificate read from
/// disk per handshake, so a renewed pair (<c>scripts/certs.sh</c>, cert-manager) is served from the next connection on
/// and the endpoint is never rebound. Kestrel's own <c>Kestrel:Endpoints:{name}:Certificate</c> would rebind the endpoint
/// when the files change, refusing connections meanwhile. Off while <see cref="CertificatePath"/> is unset.
/// </summary>
public sealed class HttpsEndpointOptions
{
    /// <summary>The Kestrel endpoint (<c>Kestrel:Endpoints:{name}</c>, whose <c>Url</c> is https). Default <c>Https</c>.</summary>
    public string Endpoint { get; set; } = "Https";

    /// <summary>The certificate (PEM). Relative to the content root.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Its private key (PEM). Default: the certificate's path with <c>.key</c> for <c>.crt</c>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Whether a certificate is configured.</summary>
    public bool Enabled => CertificatePath is { Length: > 0 };

    /// <summary>The certificate and key paths, absolute (relative ones from <paramref name="contentRoot"/>).</summary>
    public (string Certificate, string Key) Files(string contentRoot)
    {
        var certificate = Path.GetFullPath(CertificatePath ?? throw new InvalidOperationException("Agora:Tls:Https:CertificatePath is not set."), contentRoot);
        return (certificate, Path.GetFullPath(KeyPath is { Length: > 0 } key ? key : Path.ChangeExtension(certificate, ".key"), contentRoot));
    }
}
