using Agora.Hosting;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Agora.AppHost;
using Agora.Testing;
using Microsoft.Extensions.Logging;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// Tests that start the whole AppHost. Its services bind the fixed ports of the service table (Agora.Hosting.ServiceTable), so only one AppHost can
/// run at a time on a machine: the collections never run in parallel with anything, and each waits for the ports.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppHostCollection : ICollectionFixture<EmbeddedAppHostFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "AppHost";
}

/// <summary>The AppHost in the distributed mode, on the test servers (PostgreSQL, RabbitMQ, Redis).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DistributedAppHostCollection : ICollectionFixture<DistributedAppHostFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "AppHost (distributed)";
}

/// <summary>The AppHost in the embedded mode, SQLite files in a fresh temporary directory.</summary>
public sealed class EmbeddedAppHostFixture() : AppHostFixture(AgoraMode.Embedded);

/// <summary>
/// The AppHost in the distributed mode against the servers <c>./test.sh</c> starts (<see cref="TestServers"/>), with the
/// demo accounts asked for; the services' databases (<c>agora_{service}</c> on the test server)
/// are dropped before and after, so every run starts empty.
/// </summary>
public sealed class DistributedAppHostFixture() : AppHostFixture(AgoraMode.Distributed);

/// <summary>
/// Starts <c>Agora.AppHost</c> once in the given mode, with its SQLite files (embedded) in a fresh temporary directory
/// (so the tests neither see nor touch the developer's <c>.agora/data</c>), and waits until every service is healthy.
/// </summary>
public abstract class AppHostFixture(AgoraMode mode) : IAsyncLifetime
{
    /// <summary>The databases the AppHost's services create on the PostgreSQL server in the distributed mode.</summary>
    private static readonly string[] DistributedDatabases = ["agora_identity", "agora_catalog", "agora_ordering", "agora_payment", "agora_shipping", "agora_notification", "agora_search", "agora_web"];

    /// <summary>The mode the AppHost runs in.</summary>
    public AgoraMode Mode { get; } = mode;

    /// <summary>First start migrates and seeds SQLite on a 2-core machine; allow plenty.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    /// <summary>The fixed ports the AppHost's services bind (HTTP, gRPC, messages), read from its app model.</summary>
    private int[] _ports = [];

    private DistributedApplication? _app;

    /// <summary>The running app.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    /// <summary>Where the services keep their SQLite files for this run.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "agora-e2e-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>
    /// Whether the shop runs with mutual TLS between services and TLS at the edge: the distributed mode's defaults
    /// (<c>Agora:Tls:Mode</c>, <c>Agora:Tls:Edge</c> unset); <c>AGORA_E2E_TLS_MODE=Off</c> runs every distributed fixture
    /// with plaintext hops and a plain-HTTP gateway instead.
    /// </summary>
    public bool MutualTls => Mode == AgoraMode.Distributed
        && !string.Equals(Environment.GetEnvironmentVariable("AGORA_E2E_TLS_MODE"), "Off", StringComparison.OrdinalIgnoreCase);

    /// <summary>Where the AppHost's <c>scripts/certs.sh</c> writes the CA and the services' certificates for this run (Mutual only).</summary>
    public string CertificateDirectory => Path.Combine(DataDirectory, "certs");

    private X509Certificate2? _harnessCertificate;
    private X509Certificate2? _projectCa;

    /// <summary>The project CA of this run (Mutual only).</summary>
    public X509Certificate2 ProjectCa => _projectCa ?? throw new InvalidOperationException("The shop does not run with mutual TLS.");

    /// <summary>
    /// A handler for the harness's own calls to the services: with mutual TLS, it presents a test-only certificate the
    /// project CA issued for this run (CN <c>e2e-harness</c>: a peer, but none that a <c>RequirePeer</c> policy admits)
    /// and accepts only servers chained to that CA; otherwise a plain handler.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The caller owns the handler.")]
    public SocketsHttpHandler CreateHandler() =>
        _harnessCertificate is { } certificate ? TestCertificates.Handler(certificate, ProjectCa) : new SocketsHttpHandler();

    /// <summary>A browser's handler (see <see cref="CreateHandler"/>): its own cookie jar, no automatic redirects (a flow looks at each hop).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The caller owns the handler.")]
    public SocketsHttpHandler CreateBrowserHandler()
    {
        var handler = CreateHandler();
        handler.AllowAutoRedirect = false;
        handler.UseCookies = true;
        handler.CookieContainer = new System.Net.CookieContainer();
        return handler;
    }

    /// <summary>An HTTP client for the harness's calls (see <see cref="CreateHandler"/>).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The client owns its handler (disposeHandler), and the caller owns the client.")]
    public HttpClient CreateHttpClient() => new(CreateHandler(), disposeHandler: true);

    /// <summary>
    /// A service's REST address; the gateway's is https://localhost:8443 in the distributed mode (TLS at the edge, its
    /// default there: 8080 only redirects), with a certificate of the run's project CA, which <see cref="CreateHandler"/> trusts.
    /// </summary>
    public Uri Endpoint(string service) =>
        App.GetEndpoint(service, MutualTls && service.StartsWith("gateway", StringComparison.Ordinal) ? "https" : "http");

    /// <summary>An HTTP client for a service's REST endpoint (with the harness's certificate under mutual TLS).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The client owns its handler (disposeHandler), and the caller owns the client.")]
    public HttpClient CreateClient(string service) => new(CreateHandler(), disposeHandler: true) { BaseAddress = Endpoint(service) };

    /// <summary>More AppHost arguments a fixture of its own adds (replicas).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>Whether the distributed shop runs the Catalog canary (every distributed test but the replicas').</summary>
    protected virtual bool WithCanary => true;

    /// <summary>How long the whole shop may take to become healthy.</summary>
    protected virtual TimeSpan StartupTimeout => StartTimeout;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartupTimeout);

        string[] args = [$"--Agora:Mode={Mode}", $"--Agora:DataDirectory={DataDirectory}"];
        if (Mode == AgoraMode.Distributed)
        {
            TestServers.EnsureDistributedServers();
            await DropDistributedDatabasesAsync();
            args =
            [
                .. args, "--Agora:DemoAccounts=true",
                // A Catalog canary (10 % of the gateway's Catalog traffic): every distributed test runs with two Catalogs.
                .. (WithCanary ? ["--Agora:Canary:Catalog=10"] : Array.Empty<string>()),
                $"--ConnectionStrings:postgres={TestServers.Postgres}",
                $"--ConnectionStrings:rabbitmq={TestServers.RabbitMq}",
                $"--ConnectionStrings:redis={TestServers.Redis}",
            ];
        }

        if (Mode == AgoraMode.Distributed)
        {
            // Mutual (the default): every hop encrypted, the services' connections to PostgreSQL and RabbitMQ too (on by
            // default under Mutual), verified against the test servers' CA, RabbitMQ on its amqps listener.
            args = MutualTls
                ?
                [
                    .. args, $"--Agora:Tls:CertificateDirectory={CertificateDirectory}",
                    $"--Agora:Tls:Servers:CaPath={TestServers.ServersCa}", $"--ConnectionStrings:rabbitmq={TestServers.RabbitMqTls}",
                ]
                : [.. args, "--Agora:Tls:Mode=Off", "--Agora:Tls:Edge=false"];
        }

        args = [.. args, .. ExtraArguments];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Agora_AppHost>(args, cts.Token);
        builder.Services.AddLogging(logging => logging
            .AddFilter("System.Net.Http", LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning));
        _app = await builder.BuildAsync(cts.Token);
        if (MutualTls)
        {
            // The AppHost ran scripts/certs.sh while its model was built: the CA and every service's pair are there now.
            _projectCa = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(CertificateDirectory, "ca.crt"));
            _harnessCertificate = TestCertificates.IssueFromDirectory(CertificateDirectory, "e2e-harness");
        }

        // Every fixed port the app model declares. Another AppHost, or a service started by hand, may hold them for a
        // while: wait for them, never kill it.
        var projects = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().ToList();
        _ports = projects.SelectMany(p => p.Annotations.OfType<EndpointAnnotation>()).Select(e => e.Port).OfType<int>().Distinct().ToArray();
        await WaitForPortsAsync(_ports, free: true, cts.Token);
        KeepLogs(projects);
        await _app.StartAsync(cts.Token);
        await WaitUntilHealthyAsync(projects, cts.Token);
    }

    /// <summary>
    /// With <c>AGORA_E2E_LOGS=DIR</c>, every service's console output goes to <c>DIR/&lt;mode&gt;/&lt;instance&gt;.log</c> while the
    /// fixture runs (./test.sh keeps them with the test results, so a failed browser step can be read from the server's side).
    /// </summary>
    private void KeepLogs(IReadOnlyList<ProjectResource> projects)
    {
        if (Environment.GetEnvironmentVariable("AGORA_E2E_LOGS") is not { Length: > 0 } root)
        {
            return;
        }

        var directory = Directory.CreateDirectory(Path.Combine(root, Mode.ToString().ToLowerInvariant())).FullName;
        var names = projects.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        // Logs are kept per running instance (its resource id, e.g. gateway-x7k2), not per model resource.
        _ = Task.Run(async () =>
        {
            var watched = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var change in notifications.WatchAsync())
            {
                if (names.Contains(change.Resource.Name) && watched.Add(change.ResourceId))
                {
                    _ = Task.Run(() => KeepAsync(change.ResourceId, Path.Combine(directory, change.ResourceId + ".log")));
                }
            }
        });

        async Task KeepAsync(string resourceId, string path)
        {
            await using var file = new StreamWriter(path, append: true) { AutoFlush = true };
            await foreach (var batch in logs.WatchAsync(resourceId))
            {
                foreach (var line in batch)
                {
                    await file.WriteLineAsync(line.Content);
                }
            }
        }
    }

    /// <summary>Waits until every project resource is healthy (a fixture of its own may watch the shop meanwhile).</summary>
    protected virtual async Task WaitUntilHealthyAsync(IReadOnlyList<ProjectResource> projects, CancellationToken cancellationToken)
    {
        foreach (var project in projects)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(project.Name, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        _harnessCertificate?.Dispose();
        _projectCa?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        // The services finish shutting down after the AppHost returns; leave the ports free for whoever runs next.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await WaitForPortsAsync(_ports, free: true, cts.Token);
            if (Mode == AgoraMode.Distributed)
            {
                await DropDistributedDatabasesAsync();
            }

            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or UnauthorizedAccessException or Npgsql.NpgsqlException)
        {
            // Best effort: a port still held or a file still open is not a test failure.
        }
    }

    private static async Task DropDistributedDatabasesAsync()
    {
        var admin = new Npgsql.NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = "postgres" }.ConnectionString;
        await using var connection = new Npgsql.NpgsqlConnection(admin);
        await connection.OpenAsync();
        foreach (var database in DistributedDatabases)
        {
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task WaitForPortsAsync(int[] ports, bool free, CancellationToken cancellationToken)
    {
        while (ports.Any(p => IsListening(p) == free))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("localhost", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
