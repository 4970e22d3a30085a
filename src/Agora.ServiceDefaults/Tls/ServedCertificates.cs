using System.Security.Cryptography.X509Certificates;

namespace Agora.ServiceDefaults.Tls;

/// <summary>
/// The certificates whose expiry the service reports, as of now: those Kestrel's configuration names by file (read once at
/// start, as Kestrel reads them); the public HTTPS endpoint's (<c>Agora:Tls:Https</c>, <see cref="PublicHttps"/>); and,
/// under mutual TLS, the service's own certificate (<see cref="MutualEndpoint"/>, <see cref="PeerTls.Certificate"/>). The
/// last two are read through the reloading certificate every handshake uses: a renewed pair on disk shows its new expiry
/// at the next look, without a restart.
/// </summary>
internal sealed class ServedCertificates(IReadOnlyList<ServedCertificate> configured, PublicHttps? https, PeerTls? peer)
{
    /// <summary>The <c>endpoint</c> label of the mutual-TLS certificate (served on the internal ports, presented to peers).</summary>
    public const string MutualEndpoint = "mutual-tls";

    /// <summary>The certificates and their expiry now.</summary>
    public IReadOnlyList<ServedCertificate> Now()
    {
        if (https is null && peer is null)
        {
            return configured;
        }

        List<ServedCertificate> now = [.. configured];
        if (https is not null)
        {
            now.Add(Reloading(https.Endpoint, https.Certificate));
        }

        if (peer is not null)
        {
            now.Add(Reloading(MutualEndpoint, peer.Certificate));
        }

        return now;
    }

    private static ServedCertificate Reloading(string endpoint, X509Certificate2 certificate) =>
        new(endpoint, certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), Reloads: true);
}
