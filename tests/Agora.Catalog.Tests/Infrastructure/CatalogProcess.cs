using Agora.Testing;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Agora.Catalog.Tests.Infrastructure;

/// <summary>
/// Catalog as a real process on real Kestrel ports (HTTP/1.1 and h2c gRPC), embedded mode, its stdout captured:
/// what an operator runs, for the things TestServer cannot show (JSON log lines, Kestrel limits, HTTP/2).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit disposes a fixture through IAsyncLifetime.DisposeAsync, which stops and disposes the process.")]
public sealed class CatalogProcess : IAsyncLifetime
{
    private readonly Process _process;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "agora-tests", "proc-" + Guid.NewGuid().ToString("N")[..8]);

    public CatalogProcess()
    {
        HttpPort = TestServers.FreePort();
        GrpcPort = TestServers.FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Agora.Catalog.dll");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{HttpPort}";
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{GrpcPort}";
        start.Environment["Agora__Messaging__ListenPort"] = TestServers.FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Agora__DataDirectory"] = _dataDirectory;
        start.Environment["Logging__LogLevel__Agora.Http"] = "Debug";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Lines.Enqueue(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Lines.Enqueue(e.Data);
            }
        };
    }

    public int HttpPort { get; }
    public int GrpcPort { get; }
    public ConcurrentQueue<string> Lines { get; } = new();
    public HttpClient Client { get; } = new();

    /// <summary>The Identity double the process trusts (loopback HTTP, which Production accepts for loopback only).</summary>
    public TestIdentity Identity { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Client.BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}");
        Identity = await TestIdentity.StartAsync();
        _process.StartInfo.Environment["Agora__Auth__Authority"] = Identity.Issuer;
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            await Poll.UntilAsync(async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException("Catalog exited at start:\n" + string.Join('\n', Lines));
                }

                try
                {
                    return (await Client.GetAsync("/health/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false; // not listening yet
                }
            }, "Catalog ready", TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(250));
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new TimeoutException(e.Message + "; its log:\n" + string.Join('\n', Lines.TakeLast(40)), e);
        }
    }

    public async Task DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Client.Dispose();
        if (Identity is not null)
        {
            await Identity.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
