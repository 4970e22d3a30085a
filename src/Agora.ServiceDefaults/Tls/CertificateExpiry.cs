using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Agora.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Agora.ServiceDefaults.Tls;

/// <summary>
/// A certificate this service serves: the Kestrel endpoint it is configured for, its subject and expiry, and whether a
/// renewal on disk is served without a restart.
/// </summary>
internal sealed record ServedCertificate(string Endpoint, string Subject, DateTimeOffset NotAfter, bool Reloads = false);

/// <summary>
/// Issue 14, certificate expiry: for every certificate the service serves — each <c>Kestrel:Endpoints:{name}:Certificate</c>
/// and <c>Kestrel:Certificates:Default</c> given by file (PEM <c>Path</c>, or a PFX with <c>Password</c>), the public HTTPS
/// endpoint's (<c>Agora:Tls:Https</c>), and under <c>Agora:Tls:Mode=Mutual</c> its mutual-TLS certificate (endpoint
/// <c>mutual-tls</c>) — the gauge
/// <c>agora_tls_certificate_expiry_seconds</c> (seconds left, by <c>endpoint</c> and <c>subject</c>; negative once
/// expired) and the readiness check <c>tls-certificate</c>: Degraded (still 200, a warning) when one has less than
/// <see cref="Warning"/> left or has expired. Kestrel's are read once at start, as Kestrel loads them (renewing one means
/// restarting); the public HTTPS and mutual-TLS ones through their reloading certificates, so a renewal shows at once
/// (<see cref="ServedCertificates"/>).
/// A service that serves no certificate gets neither.
/// </summary>
internal static class CertificateExpiry
{
    public const string MeterName = "Agora.Tls";
    public const string GaugeName = "agora.tls.certificate.expiry";
    public const string HealthCheckName = "tls-certificate";

    /// <summary>Less than this left is a readiness warning.</summary>
    public static readonly TimeSpan Warning = TimeSpan.FromHours(24);

    public static IHostApplicationBuilder AddCertificateExpiry(this IHostApplicationBuilder builder, AgoraTlsOptions tls)
    {
        var served = Served(builder.Configuration, builder.Environment.ContentRootPath);
        if (served.Count == 0 && !tls.Mutual && !tls.Https.Enabled)
        {
            return builder;
        }

        // PublicHttps and PeerTls are registered by AddPublicHttps and AddMutualTls, under the same settings.
        builder.Services.AddSingleton(sp => new ServedCertificates(served,
            tls.Https.Enabled ? sp.GetRequiredService<PublicHttps>() : null, tls.Mutual ? sp.GetRequiredService<PeerTls>() : null));
        builder.Services.AddSingleton<CertificateExpiryMetrics>();
        builder.Services.AddHostedService(sp =>
        {
            // The gauge exists from the start, not from the first health check.
            _ = sp.GetRequiredService<CertificateExpiryMetrics>();
            return new NoWork();
        });
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(HealthCheckName,
            sp => new CertificateExpiryHealthCheck(sp.GetRequiredService<ServedCertificates>(), sp.GetRequiredService<TimeProvider>()),
            HealthStatus.Degraded, [HealthTags.Ready]));
        return builder;
    }

    /// <summary>The certificates Kestrel's configuration names by file; one that cannot be read is left to Kestrel to report.</summary>
    internal static List<ServedCertificate> Served(IConfiguration configuration, string contentRoot)
    {
        var sections = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => (Endpoint: e.Key, Certificate: e.GetSection("Certificate")))
            .Append(("default", configuration.GetSection("Kestrel:Certificates:Default")));
        var served = new List<ServedCertificate>();
        foreach (var (endpoint, certificate) in sections)
        {
            if (certificate["Path"] is not { Length: > 0 } configured)
            {
                continue;
            }

            var path = Path.GetFullPath(configured, contentRoot); // relative to the content root, as Kestrel reads it
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                using var loaded = path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase)
                    ? X509CertificateLoader.LoadPkcs12FromFile(path, certificate["Password"])
                    : X509CertificateLoader.LoadCertificateFromFile(path);
                served.Add(new ServedCertificate(endpoint, loaded.GetNameInfo(X509NameType.SimpleName, forIssuer: false),
                    new DateTimeOffset(loaded.NotAfter.ToUniversalTime(), TimeSpan.Zero)));
            }
            catch (CryptographicException)
            {
                // Kestrel fails the start with its own message.
            }
        }

        return served;
    }

    private sealed class NoWork : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>The gauge <c>agora.tls.certificate.expiry</c> (Prometheus: <c>agora_tls_certificate_expiry_seconds</c>).</summary>
internal sealed class CertificateExpiryMetrics
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The meter factory owns the meters it creates and disposes them with the container.")]
    public CertificateExpiryMetrics(IMeterFactory meters, ServedCertificates served, TimeProvider clock)
    {
        meters.Create(CertificateExpiry.MeterName).CreateObservableGauge(CertificateExpiry.GaugeName,
            () => served.Now().Select(c => new Measurement<double>((c.NotAfter - clock.GetUtcNow()).TotalSeconds,
                new KeyValuePair<string, object?>("endpoint", c.Endpoint), new KeyValuePair<string, object?>("subject", c.Subject))),
            "s", "Seconds until a certificate this service serves expires (negative once expired).");
    }
}

/// <summary>Readiness: Degraded when a served certificate has less than 24 h left or has expired; Healthy otherwise.</summary>
internal sealed class CertificateExpiryHealthCheck(ServedCertificates served, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var soonest = served.Now().MinBy(c => c.NotAfter)!;
        var left = soonest.NotAfter - now;
        var text = $"{soonest.Subject} ({soonest.Endpoint})" + (left <= TimeSpan.Zero
            ? $" expired at {soonest.NotAfter:O}"
            : $" expires in {left.TotalHours.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} h ({soonest.NotAfter:O})");
        return Task.FromResult(left < CertificateExpiry.Warning
            ? new HealthCheckResult(context.Registration.FailureStatus, text + (soonest.Reloads
                ? ": renew it (scripts/certs.sh, or cert-manager); it is read again at the next handshake, no restart"
                : ": renew it (scripts/certs.sh) and restart"))
            : HealthCheckResult.Healthy(text));
    }
}
