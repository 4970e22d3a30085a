using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Agora.ServiceDefaults.Tls;

/// <summary>
/// What makes a certificate a peer's: a chain built with the project CA as the only trust anchor
/// (<see cref="X509ChainTrustMode.CustomRootTrust"/>; the machine's roots count for nothing), valid at the time
/// <see cref="TimeProvider"/> says, issued for the purpose (client or server auth). The peer's service name is the
/// certificate's common name (<c>scripts/certs.sh</c> writes <c>CN=&lt;service&gt;</c>, SAN = its host names), read by
/// <c>Agora.Auth.PeerPolicies.Peer</c>.
/// </summary>
public static class PeerCertificates
{
    /// <summary>TLS Web Server Authentication.</summary>
    public static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    /// <summary>TLS Web Client Authentication.</summary>
    public static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    /// <summary>Why <paramref name="presented"/> is not a peer's certificate, or null when it is.</summary>
    public static string? Refusal(X509Certificate? presented, X509Certificate2 ca, DateTimeOffset now, Oid usage)
    {
        if (presented is null)
        {
            return "no certificate";
        }

        X509Certificate2? copy = null;
        var subject = presented as X509Certificate2 ?? (copy = X509CertificateLoader.LoadCertificate(presented.GetRawCertData()));
        try
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = now.UtcDateTime;
            chain.ChainPolicy.ApplicationPolicy.Add(usage);
            return chain.Build(subject) ? null : Reason(chain);
        }
        finally
        {
            copy?.Dispose();
        }
    }

    private static string Reason(X509Chain chain)
    {
        var statuses = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList();
        return statuses.Contains(X509ChainStatusFlags.NotTimeValid)
            ? "expired or not yet valid"
            : statuses.Any(s => s is X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain)
                ? "not issued by the project CA"
                : string.Join(", ", statuses);
    }
}
