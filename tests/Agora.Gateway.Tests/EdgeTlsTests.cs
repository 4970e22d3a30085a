using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Agora.Gateway.Tests.Infrastructure;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Gateway.Tests;

/// <summary>
/// Issue 14, TLS at the edge, on a real Kestrel with a real TLS handshake: certificates made by <c>scripts/certs.sh</c>
/// (a project CA and the gateway's certificate, SAN <c>gateway</c>), the gateway configured the way the AppHost's
/// <c>--Agora:Tls:Edge=true</c> configures it (<c>Kestrel:Endpoints:Https</c> with the PEM files, <c>Gateway:Https:Port</c>).
/// The client trusts the project CA through its own validation callback (a chain built on that root only, and the
/// host name checked), never by switching validation off.
/// </summary>
public class EdgeTlsFixture : IAsyncLifetime
{
    public string CertificateDirectory { get; } = Path.Combine(Path.GetTempPath(), "agora-certs-" + Guid.NewGuid().ToString("N")[..8]);
    public int HttpsPort { get; } = TestServers.FreePort();
    public TestIdentity Identity { get; private set; } = null!;
    public Backend Catalog { get; private set; } = null!;
    public GatewayApp App { get; private set; } = null!;
    public HttpClient Plain { get; private set; } = null!;
    public X509Certificate2 ProjectCa { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await RunCertsScriptAsync(CertificateDirectory, "gateway");
        ProjectCa = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(CertificateDirectory, "ca.crt"));
        Identity = await TestIdentity.StartAsync();
        Catalog = await Backend.StartAsync("catalog");
        App = CreateApp(Identity).Cluster("catalog", [Catalog]).Route("products", "/api/v1/products/{**rest}", "catalog");
        App.Config["Kestrel"] = new JsonObject
        {
            ["Endpoints"] = new JsonObject
            {
                ["Https"] = new JsonObject
                {
                    ["Url"] = $"https://127.0.0.1:{HttpsPort}",
                },
            },
        };
        App.Config["Agora"]!["Tls"] = new JsonObject
        {
            ["Https"] = new JsonObject
            {
                ["CertificatePath"] = Path.Combine(CertificateDirectory, "gateway.crt"),
                ["KeyPath"] = Path.Combine(CertificateDirectory, "gateway.key"),
            },
        };
        App.Config["Gateway"]!["Https"] = new JsonObject { ["Port"] = HttpsPort };
        Plain = App.Start();
    }

    /// <summary>The gateway before its configuration; a fixture of its own may add a clock or a management port.</summary>
    protected virtual GatewayApp CreateApp(TestIdentity identity) => new(identity);

    public async Task DisposeAsync()
    {
        Plain.Dispose();
        await App.DisposeAsync();
        await Catalog.DisposeAsync();
        await Identity.DisposeAsync();
        ProjectCa.Dispose();
        Directory.Delete(CertificateDirectory, recursive: true);
    }

    /// <summary>
    /// A client for https://{host}:{port}/ that connects to 127.0.0.1 whatever the host (so SNI and the Host header name
    /// the gateway as a browser would) and accepts exactly the certificates <paramref name="validate"/> accepts.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The client owns its handler.")]
    public HttpClient Https(string host, RemoteCertificateValidationCallback? validate) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = validate },
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { BaseAddress = new Uri($"https://{host}:{HttpsPort}/") };

    /// <summary>
    /// Trusts the project CA only: the chain must end at it (not at a system root), and the name must match.
    /// <paramref name="served"/> records the certificate the server presented.
    /// </summary>
    public RemoteCertificateValidationCallback TrustProjectCa(List<X509Certificate2> served) => (_, certificate, _, errors) =>
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false; // no certificate, or one for another name
        }

        var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        served.Add(leaf);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ProjectCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf) && chain.ChainElements[^1].Certificate.Thumbprint == ProjectCa.Thumbprint;
    };

    internal static async Task RunCertsScriptAsync(string directory, params string[] services)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot(), "scripts", "certs.sh"), .. services])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["AGORA_CERTS_DIR"] = directory;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "scripts/certs.sh failed: " + await errors);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Agora.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No Agora.slnx above the test directory.");
    }
}

/// <summary>
/// The TLS gateways of these tests run one after the other: every meter provider in the process listens to every
/// <c>Agora.*</c> meter, so two gateways serving a certificate at once would show each other's expiry gauge.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EdgeTlsCollection
{
    public const string Name = "edge-tls";
}

[Collection(EdgeTlsCollection.Name)]
public sealed class EdgeTlsTests(EdgeTlsFixture fixture) : IClassFixture<EdgeTlsFixture>
{
    [Fact]
    public async Task Https_is_served_with_the_gateway_certificate_from_the_project_CA_and_carries_HSTS()
    {
        var served = new List<X509Certificate2>();
        using var client = fixture.Https("gateway", fixture.TrustProjectCa(served));

        using var response = await client.GetAsync("/api/v1/products/prd_1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var certificate = Assert.Single(served);
        Assert.Equal("gateway", certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        Assert.True(certificate.NotAfter - certificate.NotBefore <= TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1), $"lifetime {certificate.NotAfter - certificate.NotBefore}");
        Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        // The service behind learns the request was HTTPS (Identity's cookies are Secure then).
        Assert.Equal("https", fixture.Catalog.Last.Headers["X-Forwarded-Proto"]);
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_project_CA_or_expects_another_name_refuses_the_handshake()
    {
        using var systemTrust = fixture.Https("gateway", validate: null);
        var untrusted = await Assert.ThrowsAsync<HttpRequestException>(() => systemTrust.GetAsync("/health/live"));
        Assert.IsType<AuthenticationException>(untrusted.InnerException);

        using var otherName = fixture.Https("catalog", fixture.TrustProjectCa([]));
        var wrongName = await Assert.ThrowsAsync<HttpRequestException>(() => otherName.GetAsync("/health/live"));
        Assert.IsType<AuthenticationException>(wrongName.InnerException);
    }

    [Fact]
    public async Task Plain_http_is_redirected_to_https_with_308_and_no_HSTS()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/products/prd_1?x=1");
        using var response = await fixture.Plain.SendAsync(request);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal($"https://{fixture.App.Address.Host}:{fixture.HttpsPort}/api/v1/products/prd_1?x=1", response.Headers.Location!.ToString());
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Probes_keep_plain_http()
    {
        using var response = await fixture.Plain.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_renewed_certificate_is_served_from_the_next_handshake_and_no_connection_is_refused_meanwhile()
    {
        var before = new List<X509Certificate2>();
        using (var first = fixture.Https("gateway", fixture.TrustProjectCa(before)))
        using (var response = await first.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // New connections, one after another, while scripts/certs.sh renews the pair on disk: none may be refused (Kestrel
        // rebinding the endpoint when its configured files change refused them for a moment; issue 14).
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var handshakes = 0;
        var traffic = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = fixture.Https("gateway", fixture.TrustProjectCa([]));
                try
                {
                    using var response = await client.GetAsync("/health/live", CancellationToken.None);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Add($"status {(int)response.StatusCode}");
                    }
                }
                catch (HttpRequestException e)
                {
                    failures.Add(e.Message);
                }

                Interlocked.Increment(ref handshakes);
            }
        });

        await EdgeTlsFixture.RunCertsScriptAsync(fixture.CertificateDirectory, "gateway");
        var after = await Poll.UntilAsync(async () =>
        {
            var served = new List<X509Certificate2>();
            using var client = fixture.Https("gateway", fixture.TrustProjectCa(served));
            using var response = await client.GetAsync("/health/live");
            return served.Single();
        }, served => served.Thumbprint != before.Single().Thumbprint, "the renewed certificate served at a new handshake");
        var seenAfterRenewal = Volatile.Read(ref handshakes);
        await Poll.UntilAsync(() => Volatile.Read(ref handshakes) >= seenAfterRenewal + 20, "more handshakes after the renewal");
        await stop.CancelAsync();
        await traffic;

        Assert.Empty(failures);
        Assert.True(after.NotAfter >= before.Single().NotAfter, "the renewed certificate is the newer one");
    }

    [Fact]
    public async Task Hsts_is_not_sent_to_localhost_so_a_developer_browser_is_not_pinned()
    {
        using var client = fixture.Https("localhost", fixture.TrustProjectCa([]));
        using var response = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }
}

/// <summary>The TLS edge with a fake clock and a management port (so <c>/metrics</c> and the readiness detail answer without a token).</summary>
public sealed class ExpiringEdgeFixture : EdgeTlsFixture
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public int ManagementPort { get; } = TestServers.FreePort();

    protected override GatewayApp CreateApp(TestIdentity identity) =>
        new GatewayApp(identity, managementPort: ManagementPort)
            .With("Gateway:Management:Port", ManagementPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithServices(s => s.AddSingleton<TimeProvider>(Clock));
}

/// <summary>
/// Issue 14, certificate expiry, as an operator sees it on the gateway serving the 7-day certificate of
/// <c>scripts/certs.sh</c>: <c>agora_tls_certificate_expiry_seconds</c> on <c>/metrics</c> counts down with the clock, and
/// <c>/health/ready</c> warns (Degraded, still 200) once less than 24 h are left.
/// </summary>
[Collection(EdgeTlsCollection.Name)]
public sealed class CertificateExpiryTests(ExpiringEdgeFixture fixture) : IClassFixture<ExpiringEdgeFixture>
{
    [Fact]
    public async Task Expiry_is_a_metric_and_under_24_hours_readiness_warns()
    {
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.ManagementPort}/") };
        using var served = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(fixture.CertificateDirectory, "gateway.crt"));
        var notAfter = new DateTimeOffset(served.NotAfter.ToUniversalTime(), TimeSpan.Zero);

        var fresh = await ReadyAsync(management);
        Assert.Equal("healthy", (string?)fresh.Check["status"]);
        Assert.Equal((notAfter - fixture.Clock.GetUtcNow()).TotalSeconds, await ExpirySecondsAsync(management), 2.0);

        fixture.Clock.SetUtcNow(notAfter - TimeSpan.FromHours(23));
        var soon = await ReadyAsync(management);
        Assert.Equal(HttpStatusCode.OK, soon.Status); // a warning, not out of rotation
        Assert.Equal("degraded", (string?)soon.Check["status"]);
        Assert.Contains("expires in 23.0 h", (string?)soon.Check["description"], StringComparison.Ordinal);
        // The exporter serves a scrape from its short response cache; the next scrape after it shows the clock's move.
        await Poll.UntilAsync(() => ExpirySecondsAsync(management), v => Math.Abs(v - (23 * 3600)) < 2, "the gauge at 23 h");

        fixture.Clock.SetUtcNow(notAfter + TimeSpan.FromHours(1));
        var expired = await ReadyAsync(management);
        Assert.Equal("degraded", (string?)expired.Check["status"]);
        Assert.Contains("expired", (string?)expired.Check["description"], StringComparison.Ordinal);
        await Poll.UntilAsync(() => ExpirySecondsAsync(management), v => Math.Abs(v + 3600) < 2, "the gauge at -1 h (expired)");
    }

    private static async Task<(HttpStatusCode Status, JsonNode Check)> ReadyAsync(HttpClient management)
    {
        using var response = await management.GetAsync("/health/ready");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (response.StatusCode, body["checks"]!.AsArray().Single(c => (string?)c!["name"] == "tls-certificate")!);
    }

    /// <summary>The gateway's <c>agora_tls_certificate_expiry_seconds</c> sample for its HTTPS endpoint.</summary>
    private static async Task<double> ExpirySecondsAsync(HttpClient management)
    {
        var text = await management.GetStringAsync("/metrics");
        var line = text.Split('\n').Single(l => l.StartsWith("agora_tls_certificate_expiry_seconds{", StringComparison.Ordinal)
                                               && l.Contains("endpoint=\"Https\"", StringComparison.Ordinal)
                                               && l.Contains("subject=\"gateway\"", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
