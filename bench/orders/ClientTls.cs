using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Agora.Bench.Orders;

/// <summary>
/// <c>TLS=mutual</c> (run.sh sets <c>CLIENT_CERTS</c>): the generator calls the services as the gateway does in Mutual
/// mode, presenting the gateway's certificate and trusting only the project CA (the files <c>scripts/certs.sh</c> wrote).
/// </summary>
internal static class ClientTls
{
    private static readonly Lazy<(X509Certificate2 Own, X509Certificate2 Ca)?> Files = new(Load);

    /// <summary>The directory of the certificates, or null for plaintext.</summary>
    public static string? Directory { get; set; }

    /// <summary>Configures <paramref name="handler"/> for mutual TLS when <see cref="Directory"/> is set; returns it.</summary>
    public static SocketsHttpHandler Configure(SocketsHttpHandler handler)
    {
        if (Files.Value is not var (own, ca))
        {
            return handler;
        }

        handler.SslOptions.ClientCertificates = [own];
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(presented);
        };
        return handler;
    }

    private static (X509Certificate2, X509Certificate2)? Load() => Directory is { } d
        ? (X509Certificate2.CreateFromPemFile(Path.Combine(d, "gateway.crt"), Path.Combine(d, "gateway.key")),
            X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(d, "ca.crt"))))
        : null;
}
