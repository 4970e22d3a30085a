using Agora.Bench.Orders;

// The order benchmark's load generator: bench/orders/run.sh starts the services and runs it; knobs in BenchOptions.
// Prints a markdown report on stdout; exits 1 if a correctness check fails (an order not terminal, stock not conserved).
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

var options = BenchOptions.FromEnvironment();
var clock = TimeProvider.System;
var started = clock.GetUtcNow();
using var api = new ShopApi(options);
var bench = new LoadGenerator(options, api, clock);
await bench.SetUpAsync(cts.Token);

// The warm-up (JIT tiering, pools, caches) is a run of its own, drained before the measured runs start, so the backlog
// of a cold start never spills into a measured window.
if (options.Warmup > 0)
{
    await bench.RunAsync(0, options.Warmup, 0, cts.Token);
}

var results = new List<RunResult>();
for (var run = 1; run <= options.Runs; run++)
{
    var window = await bench.RunAsync(run, options.LeadIn, options.Duration, cts.Token);
    results.Add(Report.Analyze(window, bench.Orders, options.Duration));
}

var checks = await Checks.RunAsync(bench, cts.Token);
Console.WriteLine(Report.Markdown(options, results, checks.Lines, started));
if (options.OutputDirectory is { } dir)
{
    await Report.WriteRawAsync(dir, options.Mode, results, bench.Orders, cts.Token);
}

return checks.Passed ? 0 : 1;
