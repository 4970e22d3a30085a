using System.Net;
using System.Security.Cryptography;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Agora.ServiceDefaults.Tls;

namespace Agora.Testing;

/// <summary>
/// Certificates shaped like <c>scripts/certs.sh</c>'s (EC P-256, a CA with pathlen 0, per-service certificates with
/// CN = the service, SAN = its names, localhost and 127.0.0.1, server and client auth), made in process so a test can
/// also make the ones certs.sh never would: from a foreign CA, expired.
/// </summary>
public static class TestCertificates
{
    public static X509Certificate2 Ca(string name = "Agora project CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"O=Agora, CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-30), now.AddDays(365));
    }

    public static X509Certificate2 Issue(X509Certificate2 ca, string service, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"O=Agora, CN={service}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(service);
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(ca, notBefore ?? now.AddHours(-1), notAfter ?? now.AddDays(7), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes <c>&lt;name&gt;.crt</c> and <c>.key</c> (PEM) the way certs.sh does: each to a temporary name, then renamed over.</summary>
    public static void Write(X509Certificate2 certificate, string directory, string name)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("no EC key");
        File.WriteAllText(Path.Combine(directory, name + ".key.new"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(directory, name + ".crt.new"), certificate.ExportCertificatePem());
        File.Move(Path.Combine(directory, name + ".key.new"), Path.Combine(directory, name + ".key"), overwrite: true);
        File.Move(Path.Combine(directory, name + ".crt.new"), Path.Combine(directory, name + ".crt"), overwrite: true);
    }

    /// <summary>Issues a certificate under the CA in <paramref name="directory"/> (<c>ca.crt</c>, <c>ca.key</c>, as <c>scripts/certs.sh</c> writes them).</summary>
    public static X509Certificate2 IssueFromDirectory(string directory, string name)
    {
        using var ca = X509Certificate2.CreateFromPemFile(Path.Combine(directory, "ca.crt"), Path.Combine(directory, "ca.key"));
        // Not before the CA itself (certs.sh makes a fresh CA valid from now).
        var notBefore = new DateTimeOffset(ca.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        return Issue(ca, name, notBefore > DateTimeOffset.UtcNow.AddHours(-1) ? notBefore : null);
    }

    /// <summary>A service's pair as <c>scripts/certs.sh</c> wrote it to <paramref name="directory"/>.</summary>
    public static X509Certificate2 Read(string directory, string name) =>
        X509Certificate2.CreateFromPemFile(Path.Combine(directory, name + ".crt"), Path.Combine(directory, name + ".key"));

    /// <summary>
    /// A client handler for a mutual-TLS endpoint: presents <paramref name="client"/> (none when null) and accepts only
    /// servers chained to <paramref name="ca"/>, as a peer would. A new connection per request, so each request is a handshake.
    /// </summary>
    public static SocketsHttpHandler Handler(X509Certificate2? client, X509Certificate2 ca, bool newConnectionEachRequest = false) => new()
    {
        PooledConnectionLifetime = newConnectionEachRequest ? TimeSpan.Zero : Timeout.InfiniteTimeSpan,
        SslOptions = new SslClientAuthenticationOptions
        {
            LocalCertificateSelectionCallback = client is null ? null : (_, _, _, _, _) => client,
            RemoteCertificateValidationCallback = (_, presented, _, _) =>
                PeerCertificates.Refusal(presented, ca, DateTimeOffset.UtcNow, PeerCertificates.ServerAuth) is null,
        },
    };

    public static void WriteCa(X509Certificate2 ca, string directory) =>
        File.WriteAllText(Path.Combine(directory, "ca.crt"), ca.ExportCertificatePem());
}
