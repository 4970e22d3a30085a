using System.Globalization;
using System.Text;
using Agora.Bench.Orders;

namespace Agora.Bench.Chaos;

/// <summary>The chaos run's report: the faults with their recovery times, latency in and out of the fault windows, the checks.</summary>
public static class ChaosReport
{
    public static string Markdown(BenchOptions options, ChaosOptions chaos, LoadGenerator bench, IReadOnlyList<FaultRecord> faults,
        RunWindow window, IReadOnlyList<Check> checks, DateTimeOffset started, DateTimeOffset ended)
    {
        var orders = bench.Orders.Where(o => o.Run > 0 && !o.Skipped).OrderBy(o => o.Sent).ToList();
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### Chaos run, {options.Mode} ({started:yyyy-MM-dd HH:mm} UTC, {(ended - started).TotalMinutes:0.0} min)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{orders.Count} orders offered ({options.LoadDescription} for {options.LeadIn + options.Duration} s, " +
            $"POST retries {options.PostRetries}), {faults.Count} faults.");
        sb.AppendLine();
        sb.AppendLine("| fault | at (s) | target ready after (s) | POSTs failing after the fault until (s) | of them after ready (s) | POSTs in window | first-try failures |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        for (var i = 0; i < faults.Count; i++)
        {
            var f = faults[i];
            var next = i + 1 < faults.Count ? faults[i + 1].At : DateTimeOffset.MaxValue;
            var inWindow = orders.Where(o => o.Sent >= f.At && o.Sent < next).ToList();
            // A first try whose answer came after the next fault began failed because of that fault (an Ordering kill
            // cuts the POSTs in flight), not this one: it counts for neither window's recovery time.
            var failed = inWindow.Where(o => o.FirstStatus != 201 && o.Sent + TimeSpan.FromMilliseconds(o.PostMs) < next).ToList();
            var lastFail = failed.Count > 0 ? failed.Max(o => o.Sent) : (DateTimeOffset?)null;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {f.Kind} {f.Target} | {(f.At - window.Start).TotalSeconds + options.LeadIn:0} | {F(f.ReadySeconds)} | " +
                $"{F(lastFail is { } l ? (l - f.At).TotalSeconds : 0)} | {F(lastFail is { } m && f.ReadyAt is { } r ? Math.Max(0, (m - r).TotalSeconds) : 0)} | " +
                $"{inWindow.Count} | {failed.Count} |");
        }

        sb.AppendLine();
        bool InFault(OrderRecord o) => faults.Any(f => o.Sent >= f.At && o.Sent <= (f.ReadyAt ?? f.At) + TimeSpan.FromSeconds(chaos.WindowTail));
        var inside = orders.Where(InFault).ToList();
        var outside = orders.Where(o => !InFault(o)).ToList();
        sb.AppendLine("| orders | offered | confirmed | cancelled | POST p50 (ms) | POST p99 (ms) | POST max (ms) | to confirmed p50 (s) | p99 (s) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        Row("in fault windows (fault → ready + " + chaos.WindowTail + " s)", inside);
        Row("outside", outside);
        // Finding 4 of issue 17: latency must come back once the faults are over, not stay at tens of seconds.
        var calm = faults.Count > 0 ? (faults[^1].ReadyAt ?? faults[^1].At) + TimeSpan.FromSeconds(chaos.WindowTail) : DateTimeOffset.MinValue;
        Row("after the last fault's window", orders.Where(o => o.Sent > calm).ToList());
        Row("all", orders);
        sb.AppendLine();
        foreach (var c in checks)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- check: {c.Name}: **{(c.Passed ? "ok" : "FAILED")}** ({c.Detail})");
        }

        return sb.ToString();

        void Row(string name, List<OrderRecord> set)
        {
            var post = set.Select(o => o.PostMs).Order().ToList();
            var latency = set.Where(o => o.LatencyMs is not null).Select(o => o.LatencyMs!.Value / 1000).Order().ToList();
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {set.Count} | {set.Count(o => o.Outcome == Outcome.Confirmed)} | {set.Count(o => o.Outcome == Outcome.Cancelled)} | " +
                $"{P(post, 0.5)} | {P(post, 0.99)} | {(post.Count > 0 ? post[^1].ToString("0", CultureInfo.InvariantCulture) : "-")} | " +
                $"{P(latency, 0.5, "0.00")} | {P(latency, 0.99, "0.00")} |");
        }
    }

    private static string F(double? v) => v is { } x ? x.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    private static string P(List<double> sorted, double q, string format = "0") =>
        sorted.Count == 0 ? "-" : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)].ToString(format, CultureInfo.InvariantCulture);
}
