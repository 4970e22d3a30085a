using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using Agora.ServiceDefaults.Tls;
using Agora.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Agora.ServiceDefaults.Tests.Tls;

/// <summary>
/// Issue 14, certificate expiry of the mutual-TLS certificate: a service under <c>Agora:Tls:Mode=Mutual</c> that serves no
/// Kestrel-configured certificate still reports its own (endpoint <c>mutual-tls</c>) on the gauge and in readiness, read
/// through the reloading certificate: a short-lived pair warns under 24 h, and the renewed pair written over it (as
/// <c>scripts/certs.sh</c> does) shows its new expiry at once, the host never rebuilt.
/// </summary>
public sealed class MutualCertificateExpiryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agora-expiry-").FullName;
    private readonly X509Certificate2 _ca = TestCertificates.Ca();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public MutualCertificateExpiryTests() => File.WriteAllText(Path.Combine(_directory, "ca.crt"), _ca.ExportCertificatePem());

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_mutual_certificate_is_on_the_gauge_and_warns_under_24_hours_and_a_renewal_shows_without_a_restart()
    {
        using var shortLived = TestCertificates.Issue(_ca, "catalog", notAfter: _clock.GetUtcNow().AddHours(30));
        TestCertificates.Write(shortLived, _directory, "catalog");
        using var host = Build();

        var fresh = await ReadinessAsync(host);
        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal(30 * 3600, Gauge(host), 2.0);

        _clock.Advance(TimeSpan.FromHours(7)); // 23 h left
        var soon = await ReadinessAsync(host);
        Assert.Equal(HealthStatus.Degraded, soon.Status);
        Assert.Contains("catalog (mutual-tls) expires in 23.0 h", soon.Description, StringComparison.Ordinal);
        Assert.Contains("no restart", soon.Description, StringComparison.Ordinal);
        Assert.Equal(23 * 3600, Gauge(host), 2.0);

        using var renewed = TestCertificates.Issue(_ca, "catalog", notAfter: _clock.GetUtcNow().AddDays(7));
        TestCertificates.Write(renewed, _directory, "catalog");

        var after = await ReadinessAsync(host);
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.Equal(TimeSpan.FromDays(7).TotalSeconds, Gauge(host), 2.0);
    }

    [Fact]
    public async Task An_expired_mutual_certificate_is_a_warning_saying_so()
    {
        using var shortLived = TestCertificates.Issue(_ca, "catalog", notAfter: _clock.GetUtcNow().AddHours(2));
        TestCertificates.Write(shortLived, _directory, "catalog");
        using var host = Build();

        _clock.Advance(TimeSpan.FromHours(3));
        var expired = await ReadinessAsync(host);

        Assert.Equal(HealthStatus.Degraded, expired.Status);
        Assert.Contains("catalog (mutual-tls) expired at", expired.Description, StringComparison.Ordinal);
        Assert.Equal(-3600, Gauge(host), 2.0);
    }

    [Fact]
    public void Without_mutual_TLS_and_without_a_served_certificate_there_is_no_expiry_check()
    {
        using var host = Build(mutual: false);

        Assert.Null(host.Services.GetService<ServedCertificates>());
    }

    /// <summary>A host with ServiceDefaults' expiry and mutual-TLS parts as <c>AddServiceDefaults</c> adds them, on the fake clock.</summary>
    private IHost Build(bool mutual = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _directory, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agora:Tls:Mode"] = mutual ? "Mutual" : "Off",
            ["Agora:Tls:CertificateDirectory"] = _directory,
        });
        builder.Services.AddLogging();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddHealthChecks();
        builder.AddCertificateExpiry(Agora.Hosting.AgoraTlsOptions.From(builder.Configuration));
        builder.AddMutualTls("catalog");
        return builder.Build();
    }

    private static async Task<HealthReportEntry> ReadinessAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == CertificateExpiry.HealthCheckName);
        return Assert.Single(report.Entries).Value;
    }

    /// <summary>The gauge's value for the mutual-TLS certificate, from this host's meter only (other tests' hosts have their own).</summary>
    private static double Gauge(IHost host)
    {
        _ = host.Services.GetRequiredService<CertificateExpiryMetrics>();
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var values = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Meter.Name == CertificateExpiry.MeterName && instrument.Name == CertificateExpiry.GaugeName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "endpoint" && (string?)tag.Value == ServedCertificates.MutualEndpoint)
                {
                    values.Add(value);
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return Assert.Single(values);
    }
}
