using System.Security.Cryptography.X509Certificates;
using Agora.Hosting;
using Agora.ServiceDefaults.Tls;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.ServiceDefaults.Tests.Tls;

/// <summary>
/// Issue 14, rotation without downtime: a service's certificate and key replaced on disk (as <c>scripts/certs.sh</c>
/// does: each to a temporary name, then renamed over) while calls flow. No call fails, the next handshake gets the new
/// certificate, and the client side presents its new one from then on; a new certificate caught beside the old key
/// keeps the old pair in use until the key arrives.
/// </summary>
public sealed class CertificateRotationTests(MutualTlsFixture shop) : IClassFixture<MutualTlsFixture>
{
    [Fact]
    public async Task Replacing_the_certificates_while_calls_flow_fails_no_call_and_the_next_handshake_serves_the_new_one()
    {
        using var ordering = X509Certificate2.CreateFromPemFile(Path.Combine(shop.Directory, "ordering.crt"), Path.Combine(shop.Directory, "ordering.key"));
        string? served = null;
        using var probe = shop.Stranger(ordering, c => served = c.Thumbprint);
        Assert.Equal("ordering", await probe.GetStringAsync(new Uri("peer", UriKind.Relative)));
        var before = served;

        using var stop = new CancellationTokenSource();
        var calls = 0;
        var failures = new List<string>();
        var flow = Task.Run(async () =>
        {
            using var client = shop.OrderingClient();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    Assert.Equal("ordering", await client.GetStringAsync(new Uri("peer", UriKind.Relative)));
                    Interlocked.Increment(ref calls);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Polly.CircuitBreaker.BrokenCircuitException)
                {
                    lock (failures)
                    {
                        failures.Add(e.Message);
                    }
                }
            }
        });
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref calls)), n => n >= 5, "calls flowing before the rotation");

        using var renewedCatalog = TestCertificates.Issue(shop.ProjectCa, "catalog");
        using var renewedOrdering = TestCertificates.Issue(shop.ProjectCa, "ordering");
        TestCertificates.Write(renewedCatalog, shop.Directory, "catalog");
        TestCertificates.Write(renewedOrdering, shop.Directory, "ordering");
        var atRotation = Volatile.Read(ref calls);

        await Poll.UntilAsync(async () =>
        {
            await probe.GetStringAsync(new Uri("peer", UriKind.Relative));
            return served;
        }, s => s == renewedCatalog.Thumbprint, "the renewed certificate served on a new handshake");
        Assert.NotEqual(before, renewedCatalog.Thumbprint);
        Assert.Equal(renewedOrdering.Thumbprint, shop.Ordering.Services.GetRequiredService<PeerTls>().Certificate.Thumbprint);
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref calls)), n => n >= atRotation + 5, "calls flowing after the rotation");

        await stop.CancelAsync();
        await flow;
        Assert.Empty(failures);
    }

    [Fact]
    public void A_new_certificate_beside_the_old_key_keeps_the_old_pair_until_the_new_key_arrives()
    {
        var directory = Directory.CreateTempSubdirectory("agora-rotation-").FullName;
        try
        {
            using var ca = TestCertificates.Ca();
            TestCertificates.WriteCa(ca, directory);
            using var first = TestCertificates.Issue(ca, "catalog");
            TestCertificates.Write(first, directory, "catalog");
            using var logs = new LogRecorder(LogLevel.Information);
            using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
            var tls = new PeerTls(new AgoraTlsOptions { Mode = AgoraTlsMode.Mutual, CertificateDirectory = directory }, "catalog", directory,
                TimeProvider.System, factory.CreateLogger<PeerTls>());
            Assert.Equal(first.Thumbprint, tls.Certificate.Thumbprint);

            // Half a rotation: the certificate renamed into place, its key not yet.
            using var second = TestCertificates.Issue(ca, "catalog");
            File.WriteAllText(Path.Combine(directory, "catalog.crt"), second.ExportCertificatePem());
            Assert.Equal(first.Thumbprint, tls.Certificate.Thumbprint);
            Assert.Equal(first.Thumbprint, tls.Certificate.Thumbprint);
            Assert.Single(logs.Entries, e => e.EventId.Id == 9331);

            TestCertificates.Write(second, directory, "catalog");
            Assert.Equal(second.Thumbprint, tls.Certificate.Thumbprint);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
