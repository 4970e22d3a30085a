using System.Globalization;

namespace Agora.Bench.Orders;

/// <summary>CPU time of each process group over a window, in % of one core (Linux <c>/proc</c>; empty elsewhere).</summary>
public sealed record CpuUsage(IReadOnlyDictionary<string, double> Percent, double MachineBusyPercent, double OtherPercent);

/// <summary>
/// Reads <c>/proc</c> at the start and end of a measured window: the services (by pid), this generator, the servers
/// behind the distributed mode (this run's PostgreSQL backends, RabbitMQ's <c>beam.smp</c>, <c>redis-server</c>; the
/// last two are shared with whatever else uses them), and the rest of the machine (other agents' work: the noise).
/// </summary>
public sealed class CpuSampler(BenchOptions options)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on

    /// <summary>CPU ticks of each process (by pid) and the group it belongs to, and of the whole machine.</summary>
    public sealed record Snapshot(Dictionary<int, (string Group, long Ticks)> Processes, long MachineBusy, long MachineTotal, DateTimeOffset At);

    public Snapshot Take()
    {
        var processes = new Dictionary<int, (string, long)>();
        if (!OperatingSystem.IsLinux())
        {
            return new Snapshot(processes, 0, 0, DateTimeOffset.UtcNow);
        }

        foreach (var (name, pid) in options.ServicePids)
        {
            Add(name, pid);
        }

        Add("loadgen", Environment.ProcessId);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            var cmd = CommandLine(pid);
            if (cmd is null)
            {
                continue;
            }

            if (options.DatabasePrefix is { } prefix && cmd.StartsWith("postgres: ", StringComparison.Ordinal) && cmd.Contains(" " + prefix, StringComparison.Ordinal))
            {
                Add("postgres", pid);
            }
            else if (options.DatabasePrefix is not null && cmd.Contains("beam.smp", StringComparison.Ordinal))
            {
                Add("rabbitmq", pid);
            }
            else if (options.DatabasePrefix is not null && cmd.StartsWith("redis-server", StringComparison.Ordinal))
            {
                Add("redis", pid);
            }
        }

        var (busy, total) = Machine();
        return new Snapshot(processes, busy, total, DateTimeOffset.UtcNow);

        void Add(string name, int pid) => processes[pid] = (name, Ticks(pid));
    }

    /// <summary>% of one core per group between two snapshots; "other" is the machine's busy time outside every group.</summary>
    public static CpuUsage Between(Snapshot a, Snapshot b)
    {
        var seconds = (b.At - a.At).TotalSeconds;
        if (seconds <= 0 || b.MachineTotal == a.MachineTotal)
        {
            return new CpuUsage(new Dictionary<string, double>(), 0, 0);
        }

        // Per process: a pool may close a PostgreSQL backend and open another mid-window. A process born in the window
        // counts all its ticks; one that ended in it is lost (a few idle backends at most).
        // /proc/stat counts ticks of every core; a core-second is TicksPerSecond ticks.
        var used = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (pid, (group, end)) in b.Processes)
        {
            var start = a.Processes.TryGetValue(pid, out var before) && before.Group == group ? before.Ticks : 0;
            used[group] = used.GetValueOrDefault(group) + Math.Max(0, end - start);
        }

        var percent = used.ToDictionary(kv => kv.Key, kv => kv.Value / TicksPerSecond / seconds * 100, StringComparer.Ordinal);
        double ours = used.Values.Sum();

        var busy = (b.MachineBusy - a.MachineBusy) / TicksPerSecond / seconds * 100;
        return new CpuUsage(percent, busy, Math.Max(0, busy - ours / TicksPerSecond / seconds * 100));
    }

    private static long Ticks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    private static string? CommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid}/cmdline");
            return raw.Length == 0 ? null : raw.Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (long Busy, long Total) Machine()
    {
        var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        var v = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal
        var busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        return (busy, busy + v[3] + v[4]);
    }
}
