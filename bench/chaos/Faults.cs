using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Agora.Bench.Chaos;

/// <summary>One fault the run caused and how long the shop took to get over it.</summary>
public sealed record FaultRecord(string Kind, string Target, DateTimeOffset At)
{
    /// <summary>When the target (or, for the broker and the database, every service) answered ready again.</summary>
    public DateTimeOffset? ReadyAt { get; set; }

    public double? ReadySeconds => ReadyAt is { } r ? (r - At).TotalSeconds : null;
}

/// <summary>
/// Causes the faults, in turn, while the load runs: SIGKILL of a service (the supervisor in run.sh restarts it after
/// RESTART_DELAY with the same configuration), the PSP made to fail (its admin API: an outage of PSP_OUTAGE seconds),
/// RabbitMQ and PostgreSQL restarted (commands from run.sh). Each fault waits until the last one's target is ready
/// again and GAP seconds have passed.
/// </summary>
public sealed class FaultInjector(ChaosOptions options, TimeProvider clock) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public List<FaultRecord> Done { get; } = [];

    public void Dispose() => _http.Dispose();

    private static void Log(string message) => Console.Error.WriteLine($"chaos: {message}");

    public async Task RunAsync(DateTimeOffset until, CancellationToken ct)
    {
        var plan = options.Plan;
        // The whole plan once, whatever the time (run.sh makes the load last long enough for it); again and again only
        // with Repeat (the long run), while there is time before until.
        for (var i = 0; plan.Count > 0; i++)
        {
            var (kind, target) = plan[i % plan.Count];
            if (i >= plan.Count && (!options.Repeat || clock.GetUtcNow() >= until))
            {
                break;
            }

            var fault = new FaultRecord(kind, target, clock.GetUtcNow());
            Done.Add(fault);
            Log($"{kind} {target}");
            switch (kind)
            {
                case "kill":
                    Kill(target);
                    await WaitReadyAsync(fault, [target], ct);
                    break;
                case "psp":
                    await SetPspAsync("{\"outage\": true}", ct);
                    await Task.Delay(TimeSpan.FromSeconds(options.PspOutage), ct);
                    await SetPspAsync("{}", ct);
                    fault.ReadyAt = clock.GetUtcNow();
                    break;
                case "restart":
                    await ShellAsync(target == "rabbitmq" ? options.RestartRabbitMq : options.RestartPostgres, ct);
                    await WaitReadyAsync(fault, options.Services.Keys, ct);
                    break;
            }

            Log($"{kind} {target}: ready again after {fault.ReadySeconds?.ToString("0.0", CultureInfo.InvariantCulture) ?? "?"} s");
            await Task.Delay(TimeSpan.FromSeconds(options.Gap), ct);
        }
    }

    private void Kill(string service)
    {
        var file = Path.Combine(options.PidDirectory, service + ".pid");
        var pid = int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);
        using var process = Process.GetProcessById(pid);
        process.Kill(entireProcessTree: false); // SIGKILL
    }

    private async Task WaitReadyAsync(FaultRecord fault, IEnumerable<string> services, CancellationToken ct)
    {
        // Give the kill or the restart a moment to take the target down, so the old process's "ready" does not count.
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(240);
        foreach (var service in services)
        {
            while (!await ReadyAsync(options.Services[service], ct))
            {
                if (clock.GetUtcNow() > deadline)
                {
                    Log($"{service} not ready within 240 s of {fault.Kind} {fault.Target}");
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }

        fault.ReadyAt = clock.GetUtcNow();
    }

    private async Task<bool> ReadyAsync(int port, CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync($"http://127.0.0.1:{port}/health/ready", ct);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task SetPspAsync(string behaviour, CancellationToken ct)
    {
        using var content = new StringContent(behaviour, System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PutAsync(new Uri(options.Psp, "admin/behaviour"), content, ct);
        response.EnsureSuccessStatusCode();
    }

    private static async Task ShellAsync(string command, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not start bash");
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command}' exited with {process.ExitCode}");
        }
    }
}
