using Agora.Bench.Chaos;
using Agora.Bench.Orders;

// The chaos run (issue 17): bench/chaos/run.sh starts the shop (every service under a supervisor that restarts it),
// then this places open-loop orders through the gateway while FaultInjector kills services, fails the PSP and restarts
// the broker and the database. At the end it checks what must hold whatever failed, prints recovery time per fault and
// latency in and out of the fault windows, and exits 1 if a check failed.
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

var options = BenchOptions.FromEnvironment();
var chaos = ChaosOptions.FromEnvironment();
var clock = TimeProvider.System;
var started = clock.GetUtcNow();
using var api = new ShopApi(options);
var bench = new LoadGenerator(options, api, clock);
await bench.SetUpAsync(cts.Token);
if (options.Warmup > 0)
{
    await bench.RunAsync(0, options.Warmup, 0, cts.Token);
}

// Faults start after the lead-in; the last one starts at least TAIL s before the load stops, so its recovery is measured
// under load (run.sh sizes the load for the plan).
using var injector = new FaultInjector(chaos, clock);
var loadStart = clock.GetUtcNow();
var loadEnd = loadStart + TimeSpan.FromSeconds(options.LeadIn + options.Duration);
var faults = Task.Run(async () =>
{
    await Task.Delay(TimeSpan.FromSeconds(options.LeadIn), cts.Token);
    await injector.RunAsync(loadEnd - TimeSpan.FromSeconds(chaos.Tail), cts.Token);
}, cts.Token);
var window = await bench.RunAsync(1, options.LeadIn, options.Duration, cts.Token);
await faults;

var checks = await ChaosChecks.RunAsync(bench, api, chaos, cts.Token);
Console.WriteLine(ChaosReport.Markdown(options, chaos, bench, injector.Done, window, checks, started, clock.GetUtcNow()));
return checks.All(c => c.Passed) ? 0 : 1;
