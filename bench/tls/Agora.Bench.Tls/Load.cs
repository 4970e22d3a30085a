using System.Diagnostics;
using System.Globalization;

namespace Agora.Bench.Tls;

/// <summary>What one measurement saw.</summary>
internal sealed record LoadResult(long Requests, long Errors, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"RESULT rps={Requests / Elapsed.TotalSeconds:F0} p50_ms={P50Ms:F3} p99_ms={P99Ms:F3} errors={Errors} requests={Requests}");
}

/// <summary>A closed loop: each worker sends its next request when the last one answered, over rotating product ids.</summary>
internal static class Load
{
    public static async Task<LoadResult> RunAsync(Func<string, CancellationToken, Task> call, string[] ids, int workers,
        TimeSpan duration, bool record)
    {
        using var stop = new CancellationTokenSource(duration);
        var latencies = new List<double>[workers];
        var errors = new long[workers];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            var i = w;
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call(ids[i++ % ids.Length], CancellationToken.None);
                    if (record)
                    {
                        mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
#pragma warning disable CA1031 // a benchmark counts failures, whatever they are, and goes on
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    if (Interlocked.Increment(ref errors[w]) == 1 && w == 0)
                    {
                        await Console.Error.WriteLineAsync($"first error: {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        })));
        var elapsed = clock.Elapsed;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double At(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        return new LoadResult(all.Length, errors.Sum(), elapsed, At(0.50), At(0.99));
    }
}
