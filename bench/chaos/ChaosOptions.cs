using System.Globalization;

namespace Agora.Bench.Chaos;

/// <summary>The chaos run's own knobs (environment; the load's are bench/orders' BenchOptions).</summary>
public sealed record ChaosOptions
{
    /// <summary>Faults in order, <c>kind:target</c> separated by spaces: <c>kill:payment psp:psp restart:rabbitmq restart:postgres</c> (FAULTS).</summary>
    public required IReadOnlyList<(string Kind, string Target)> Plan { get; init; }

    /// <summary>Go through the plan again while the load lasts (REPEAT=1; the long run).</summary>
    public bool Repeat { get; init; }

    /// <summary>Seconds between a fault's recovery and the next fault (GAP, default 5).</summary>
    public int Gap { get; init; }

    /// <summary>Seconds of load after the last fault's recovery; no repeat of the plan starts later than this before the load ends (TAIL, default 20).</summary>
    public int Tail { get; init; }

    /// <summary>Seconds the PSP stays down (PSP_OUTAGE, default 10).</summary>
    public int PspOutage { get; init; }

    /// <summary>Where run.sh's supervisor writes each service's current pid (PID_DIR).</summary>
    public required string PidDirectory { get; init; }

    /// <summary>Each service's HTTP port (SERVICES, <c>name=port,…</c>).</summary>
    public required IReadOnlyDictionary<string, int> Services { get; init; }

    public required Uri Psp { get; init; }

    /// <summary>Commands that restart the broker and the database and return when they are up (RESTART_RABBITMQ, RESTART_POSTGRES).</summary>
    public string RestartRabbitMq { get; init; } = "false";

    public string RestartPostgres { get; init; } = "false";

    /// <summary>Seconds after a fault's readiness that still count as its window for latency (WINDOW_TAIL, default 10).</summary>
    public int WindowTail { get; init; }

    public static ChaosOptions FromEnvironment() => new()
    {
        Plan = (Env("FAULTS") ?? "kill:payment psp:psp").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split(':', 2)).Select(p => (p[0], p.Length > 1 ? p[1] : "")).ToList(),
        Repeat = Env("REPEAT") == "1",
        Gap = int.Parse(Env("GAP") ?? "5", CultureInfo.InvariantCulture),
        PspOutage = int.Parse(Env("PSP_OUTAGE") ?? "10", CultureInfo.InvariantCulture),
        Tail = int.Parse(Env("TAIL") ?? "20", CultureInfo.InvariantCulture),
        PidDirectory = Env("PID_DIR") ?? throw new ArgumentException("PID_DIR is required"),
        Services = (Env("SERVICES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split('='))
            .ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal),
        Psp = new Uri(Env("PSP_URL") ?? "http://127.0.0.1:25190/"),
        RestartRabbitMq = Env("RESTART_RABBITMQ") ?? "false",
        RestartPostgres = Env("RESTART_POSTGRES") ?? "false",
        WindowTail = int.Parse(Env("WINDOW_TAIL") ?? "10", CultureInfo.InvariantCulture),
    };

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v.Trim() : null;
}
