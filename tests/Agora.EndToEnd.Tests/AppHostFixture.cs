using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// Tests that start the whole AppHost. Its services bind fixed ports (Identity 5101, 7101, 6101; Catalog 5102, 7102, 6102), so only one AppHost can
/// run at a time on a machine: the collection never runs in parallel with anything.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "AppHost";
}

/// <summary>
/// Starts <c>Agora.AppHost</c> once, in the embedded mode, with its SQLite files in a fresh temporary directory (so the
/// tests neither see nor touch the developer's <c>.agora/data</c>), and waits until every service is healthy.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    /// <summary>First start migrates and seeds SQLite on a 2-core machine; allow plenty.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The fixed ports the AppHost's services bind (HTTP, gRPC, messages).</summary>
    private static readonly int[] FixedPorts = [5101, 7101, 6101, 5102, 7102, 6102];

    private DistributedApplication? _app;

    /// <summary>The running app.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    /// <summary>Where the services keep their SQLite files for this run.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "agora-e2e-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>An HTTP client for a service's REST endpoint.</summary>
    public HttpClient CreateClient(string service) => App.CreateHttpClient(service, "http");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);

        // Another AppHost, or a service started by hand, may hold the ports for a while: wait for them, never kill it.
        await WaitForPortsAsync(free: true, cts.Token);

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Agora_AppHost>(
            ["--Agora:Mode=Embedded", $"--Agora:DataDirectory={DataDirectory}"], cts.Token);
        builder.Services.AddLogging(logging => logging
            .AddFilter("System.Net.Http", LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning));
        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("identity", cts.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("catalog", cts.Token);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        // The services finish shutting down after the AppHost returns; leave the ports free for whoever runs next.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await WaitForPortsAsync(free: true, cts.Token);
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            // Best effort: a port still held or a file still open is not a test failure.
        }
    }

    private static async Task WaitForPortsAsync(bool free, CancellationToken cancellationToken)
    {
        while (FixedPorts.Any(p => IsListening(p) == free))
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
