using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Agora.Bench.Orders;

/// <summary>The figures of one measured window.</summary>
public sealed record RunResult(
    int Run, double PlacedPerSecond, double ConfirmedPerSecond, double AttemptedPerSecond, double PostP50, double PostP99,
    double P50, double P90, double P99, double Max, int Measured, int Errors, string ErrorSummary, int Skipped,
    int Cancelled, int Failed, int NotTerminal, int Retried, double MaxLagMs, CpuUsage Cpu,
    IReadOnlyList<(string Stage, double P50, double P99)> Stages);

/// <summary>Turns the orders of each run into rates and percentiles, and prints them as markdown.</summary>
public static class Report
{
    /// <summary>The forward steps of the saga in the order Ordering records them (the stages between them are hops).</summary>
    private static readonly string[] Steps = ["order_placed", "stock_reserved", "payment_authorized", "shipment_created", "payment_captured", "order_confirmed"];

    private static readonly string[] StageNames =
    [
        "POST → placed (HTTP, token, gRPC price lookup, commit)",
        "placed → stock reserved (Ordering → Catalog → Ordering)",
        "reserved → payment authorized (→ Payment → PSP → Ordering)",
        "authorized → shipment created (→ Shipping → Ordering)",
        "shipment → payment captured (→ Payment → PSP → Ordering)",
        "captured → confirmed (→ Catalog commits stock → Ordering)",
    ];

    public static RunResult Analyze(RunWindow window, IReadOnlyList<OrderRecord> all, int durationSeconds)
    {
        var measured = all.Where(o => o.Run == window.Run && o.Measured).ToList();
        var accepted = measured.Where(o => o.OrderId is not null).ToList();
        var latencies = accepted.Where(o => o.Outcome == Outcome.Confirmed).Select(o => o.LatencyMs!.Value).Order().ToArray();
        var posts = accepted.Select(o => o.PostMs).Order().ToArray();
        // Throughput: confirmations Ordering decided inside the window, whichever order they belong to.
        var confirmedInWindow = all.Count(o => o.ConfirmedAt is { } c && c >= window.Start && c < window.End);
        var errors = measured.Where(o => !o.Skipped && o.Status != 201).ToList();
        var errorSummary = string.Join(", ", errors.GroupBy(e => e.Status == 0 ? e.Error ?? "network" : $"{e.Status} {e.Error}")
            .OrderByDescending(g => g.Count()).Select(g => $"{g.Count()}× {g.Key}"));

        var stages = new List<(string, double, double)>();
        var confirmed = accepted.Where(o => o.Outcome == Outcome.Confirmed).ToList();
        for (var i = 0; i < Steps.Length; i++)
        {
            var deltas = new List<double>();
            foreach (var o in confirmed)
            {
                var to = o.Events.FirstOrDefault(e => e.Type == Steps[i]);
                DateTimeOffset? from = i == 0 ? o.Due : o.Events.LastOrDefault(e => e.Type == Steps[i - 1])?.OccurredAt;
                if (to is not null && from is not null)
                {
                    deltas.Add((to.OccurredAt - from.Value).TotalMilliseconds);
                }
            }

            var sorted = deltas.Order().ToArray();
            stages.Add((StageNames[i], Percentile(sorted, 50), Percentile(sorted, 99)));
        }

        return new RunResult(window.Run, accepted.Count / (double)durationSeconds, confirmedInWindow / (double)durationSeconds,
            measured.Count / (double)durationSeconds, Percentile(posts, 50), Percentile(posts, 99),
            Percentile(latencies, 50), Percentile(latencies, 90), Percentile(latencies, 99), latencies.Length > 0 ? latencies[^1] : double.NaN,
            measured.Count, errors.Count, errorSummary, measured.Count(o => o.Skipped),
            accepted.Count(o => o.Outcome == Outcome.Cancelled), accepted.Count(o => o.Outcome == Outcome.Failed),
            accepted.Count(o => o.Outcome is Outcome.NotTerminal or Outcome.Unknown), accepted.Count(o => o.Retries > 0),
            window.MaxLagMs, window.Cpu, stages);
    }

    /// <summary>CPU milliseconds per order confirmed in the window: of one group, or of all but the generator.</summary>
    public static double CpuMsPerOrder(RunResult r, string? group)
    {
        var percent = group is null ? r.Cpu.Percent.Where(kv => kv.Key != "loadgen").Sum(kv => kv.Value) : r.Cpu.Percent.GetValueOrDefault(group);
        return r.ConfirmedPerSecond > 0 ? percent * 10 / r.ConfirmedPerSecond : double.NaN;
    }

    /// <summary>Nearest-rank percentile of sorted values; NaN if there are none.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>The issue's targets: distributed ≥ 200 confirmed/s with p99 &lt; 1 s; embedded ≥ 50 confirmed/s.</summary>
    public static (string Target, string Verdict) Verdict(string mode, double confirmed, double p99) => mode == "distributed"
        ? ("≥ 200 confirmed/s, p99 < 1 s",
            $"{confirmed / 200:0.00}x rate, p99 {p99 / 1000:0.00}x of limit: " + (confirmed >= 200 && p99 < 1000 ? "**met**" : "**missed**"))
        : ("≥ 50 confirmed/s", $"{confirmed / 50:0.00}x: " + (confirmed >= 50 ? "**met**" : "**missed**"));

    public static string Markdown(BenchOptions o, IReadOnlyList<RunResult> runs, IReadOnlyList<string> checks, DateTimeOffset started)
    {
        var s = new StringBuilder();
        var confirmed = Median(runs.Select(r => r.ConfirmedPerSecond));
        var p99 = Median(runs.Select(r => r.P99));
        var (target, verdict) = Verdict(o.Mode, confirmed, p99);
        var groups = runs.SelectMany(r => r.Cpu.Percent.Keys).Distinct().ToList();
        var cpu = string.Join(" / ", groups.Select(g => $"{g} {Median(runs.Select(r => r.Cpu.Percent.GetValueOrDefault(g))):0}"));

        s.AppendLine(CultureInfo.InvariantCulture, $"Orders benchmark, {o.Mode}, {started:yyyy-MM-dd HH:mm} UTC: {o.LoadDescription}, {o.Duration} s measured per run " +
                     $"after a {o.LeadIn} s lead-in ({o.Warmup} s warm-up{(o.WarmupRate > 0 && o.Rate > 0 ? string.Create(CultureInfo.InvariantCulture, $" at {o.WarmupRate:0.#}/s") : "")}, drained, before run 1), {runs.Count} runs, {o.Customers} customers, {o.Products} products, seed {o.Seed}");
        s.AppendLine();
        s.AppendLine("| mode | load | placed/s | confirmed/s | p50 ms | p90 ms | p99 ms | max ms | POST p50 / p99 ms | errors | cancelled / failed / not terminal | confirmed/s of each run | p99 ms of each run | target | vs. target |");
        s.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- |");
        s.AppendLine(CultureInfo.InvariantCulture,
            $"| {o.Mode} | {o.LoadDescription} | {Median(runs.Select(r => r.PlacedPerSecond)):0.0} | {confirmed:0.0} | {Median(runs.Select(r => r.P50)):0} | " +
            $"{Median(runs.Select(r => r.P90)):0} | {p99:0} | {Median(runs.Select(r => r.Max)):0} | " +
            $"{Median(runs.Select(r => r.PostP50)):0} / {Median(runs.Select(r => r.PostP99)):0} | {runs.Sum(r => r.Errors)} | " +
            $"{runs.Sum(r => r.Cancelled)} / {runs.Sum(r => r.Failed)} / {runs.Sum(r => r.NotTerminal)} | " +
            $"{string.Join(", ", runs.Select(r => r.ConfirmedPerSecond.ToString("0.0", CultureInfo.InvariantCulture)))} | " +
            $"{string.Join(", ", runs.Select(r => r.P99.ToString("0", CultureInfo.InvariantCulture)))} | {target} | {verdict} |");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"CPU, % of one core (the machine has {Environment.ProcessorCount * 100}), medians over the windows: {cpu}; " +
                     $"rest of the machine (other agents) {Median(runs.Select(r => r.Cpu.OtherPercent)):0}; machine busy {Median(runs.Select(r => r.Cpu.MachineBusyPercent)):0}.");
        var perOrder = string.Join(", ", groups.Where(g => g != "loadgen").Select(g =>
            string.Create(CultureInfo.InvariantCulture, $"{g} {Median(runs.Select(r => CpuMsPerOrder(r, g))):0.0}")));
        s.AppendLine(CultureInfo.InvariantCulture,
            $"CPU time per confirmed order (ms, the figure least affected by other load): {Median(runs.Select(r => CpuMsPerOrder(r, null))):0.0} in the services{(o.DatabasePrefix is null ? "" : " and servers")} ({perOrder}).");
        s.AppendLine();
        s.AppendLine("Where the time goes, POST → confirmed of the measured confirmed orders, per saga stage (from each order's event stream; medians over the runs of each run's p50 / p99, ms):");
        s.AppendLine();
        s.AppendLine("| stage | p50 ms | p99 ms |");
        s.AppendLine("| --- | ---: | ---: |");
        for (var i = 0; i < StageNames.Length; i++)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {StageNames[i]} | {Median(runs.Select(r => r.Stages[i].P50)):0} | {Median(runs.Select(r => r.Stages[i].P99)):0} |");
        }

        s.AppendLine();
        foreach (var r in runs)
        {
            var cpuText = string.Join(", ", r.Cpu.Percent.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:0}")));
            s.AppendLine(CultureInfo.InvariantCulture,
                $"- run {r.Run}: {r.Measured} orders due in the window ({r.AttemptedPerSecond:0.0}/s), placed {r.PlacedPerSecond:0.0}/s, confirmed {r.ConfirmedPerSecond:0.0}/s, " +
                $"p50/p90/p99/max {r.P50:0}/{r.P90:0}/{r.P99:0}/{r.Max:0} ms, POST p50/p99 {r.PostP50:0}/{r.PostP99:0} ms, " +
                $"errors {r.Errors}{(r.Errors > 0 ? " (" + r.ErrorSummary + ")" : "")}, skipped {r.Skipped}, cancelled {r.Cancelled}, failed {r.Failed}, " +
                $"not terminal {r.NotTerminal}, orders with a retried step {r.Retried}, generator lag max {r.MaxLagMs:0} ms; CPU {cpuText}, other {r.Cpu.OtherPercent:0}");
        }

        s.AppendLine();
        foreach (var c in checks)
        {
            s.AppendLine("- " + c);
        }

        return s.ToString();
    }

    private static readonly JsonSerializerOptions JsonOut = new() { WriteIndented = true, IncludeFields = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Raw data for later analysis: the run results as JSON and every order as CSV.</summary>
    public static async Task WriteRawAsync(string directory, string mode, IReadOnlyList<RunResult> runs, IReadOnlyList<OrderRecord> orders, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, $"orders-{mode}-runs.json"), JsonSerializer.Serialize(runs, JsonOut), ct);
        var csv = new StringBuilder("run,measured,customer,due,sent,post_ms,status,error,order_id,outcome,retries," + string.Join(",", Steps) + "\n");
        foreach (var o in orders)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{o.Run},{o.Measured},{o.Customer},{o.Due:O},{o.Sent:O},{o.PostMs:0.0},{o.Status},{o.Error},{o.OrderId},{o.Outcome},{o.Retries}");
            foreach (var step in Steps)
            {
                csv.Append(',').Append(o.Events.FirstOrDefault(e => e.Type == step)?.OccurredAt.ToString("O", CultureInfo.InvariantCulture));
            }

            csv.Append('\n');
        }

        await File.WriteAllTextAsync(Path.Combine(directory, $"orders-{mode}.csv"), csv.ToString(), ct);
    }
}
