using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MimeKit;

namespace Agora.Notification.Tests.Infrastructure;

/// <summary>An email the sink received: the SMTP envelope and the parsed message.</summary>
public sealed record ReceivedEmail(string? From, IReadOnlyList<string> To, MimeMessage Message)
{
    public string Subject => Message.Subject ?? "";
    public string Html => Message.HtmlBody ?? "";
    public string Text => Message.TextBody ?? "";
}

/// <summary>
/// A real SMTP server: <c>smtp-sink/sink.js</c> (the npm package smtp-server) run with Node on a loopback port. It prints
/// each message it accepts as a JSON line; this class parses them with MimeKit. It can be stopped (the port then refuses
/// connections, as a mail server that is down) and started again on the same port. The first sink of a test run installs
/// its package (<c>npm ci</c>) when <c>node_modules</c> is missing.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static bool _installed;

    private readonly ConcurrentQueue<ReceivedEmail> _received = new();
    private Process? _process;

    public SmtpSink(int port) => Port = port;

    public int Port { get; }

    public IReadOnlyList<ReceivedEmail> Received => _received.ToList();

    public IReadOnlyList<ReceivedEmail> To(string address) =>
        _received.Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).ToList();

    public async Task StartAsync()
    {
        var dir = SinkDirectory();
        await EnsureInstalledAsync(dir);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new StringBuilder();
        var process = new Process
        {
            StartInfo = new ProcessStartInfo("node")
            {
                ArgumentList = { "sink.js", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                WorkingDirectory = dir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            },
            EnableRaisingEvents = true,
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (string.IsNullOrEmpty(e.Data))
            {
                return;
            }

            using var doc = JsonDocument.Parse(e.Data);
            var root = doc.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "listening":
                    listening.TrySetResult();
                    break;
                case "message":
                    var raw = root.GetProperty("raw").GetString() ?? "";
                    var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)));
                    var to = root.GetProperty("to").EnumerateArray().Select(t => t.GetString() ?? "").ToList();
                    _received.Enqueue(new ReceivedEmail(root.GetProperty("from").GetString(), to, message));
                    break;
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The SMTP sink exited: " + errors));
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start node for the SMTP sink.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops the server: connections to its port are refused until it is started again.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        process.Dispose();
    }

    /// <summary>Waits for an email to <paramref name="address"/> matching <paramref name="match"/>.</summary>
    public async Task<ReceivedEmail> WaitForAsync(string address, Func<ReceivedEmail, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (To(address).FirstOrDefault(m => match?.Invoke(m) ?? true) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"No email to {address} reached the SMTP sink (it has {_received.Count} for others).");
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary><c>tests/Agora.Notification.Tests/smtp-sink</c>, found upwards from the test binaries.</summary>
    private static string SinkDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "smtp-sink");
            if (File.Exists(Path.Combine(candidate, "sink.js")) && File.Exists(Path.Combine(candidate, "package-lock.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("smtp-sink/ (sink.js, package-lock.json) not found above " + AppContext.BaseDirectory);
    }

    private static async Task EnsureInstalledAsync(string dir)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (_installed || Directory.Exists(Path.Combine(dir, "node_modules", "smtp-server")))
            {
                _installed = true;
                return;
            }

            var npm = new ProcessStartInfo("npm")
            {
                ArgumentList = { "ci", "--no-audit", "--no-fund", "--loglevel=error" },
                WorkingDirectory = dir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(npm) ?? throw new InvalidOperationException("Could not start npm (Node 20+ and npm are needed).");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {dir} failed ({process.ExitCode}): {await stderr}{await stdout}");
            }

            _installed = true;
        }
        finally
        {
            InstallLock.Release();
        }
    }
}
