using System.Security.Cryptography.X509Certificates;

namespace Agora.ServiceDefaults.Tls;

/// <summary>
/// The certificates whose expiry the service reports, as of now: those Kestrel's configuration names by file (read once at
/// start, as Kestrel reads them) and, under mutual TLS, the service's own certificate (<see cref="MutualEndpoint"/>), read
/// through <see cref="PeerTls.Certificate"/>, the reloading certificate every handshake uses: a renewed pair on disk shows
/// its new expiry at the next look, without a restart.
/// </summary>
internal sealed class ServedCertificates(IReadOnlyList<ServedCertificate> configured, PeerTls? peer)
{
    /// <summary>The <c>endpoint</c> label of the mutual-TLS certificate (served on the internal ports, presented to peers).</summary>
    public const string MutualEndpoint = "mutual-tls";

    /// <summary>Whether it reloads (the mutual-TLS certificate does; Kestrel's configured ones are read at start).</summary>
    public static bool Reloads(ServedCertificate certificate) => certificate.Endpoint == MutualEndpoint;

    /// <summary>The certificates and their expiry now.</summary>
    public IReadOnlyList<ServedCertificate> Now()
    {
        if (peer is null)
        {
            return configured;
        }

        var own = peer.Certificate;
        return
        [
            .. configured,
            new ServedCertificate(MutualEndpoint, own.GetNameInfo(X509NameType.SimpleName, forIssuer: false),
                new DateTimeOffset(own.NotAfter.ToUniversalTime(), TimeSpan.Zero)),
        ];
    }
}
