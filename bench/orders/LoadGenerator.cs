using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Agora.Bench.Orders;

/// <summary>The measured window of one run, and what the generator saw in it.</summary>
public sealed record RunWindow(int Run, DateTimeOffset Start, DateTimeOffset End, CpuUsage Cpu, double MaxLagMs);

/// <summary>
/// Sets the shop up (bench products with ample stock, signed-in customers), then places orders at a fixed rate (open
/// loop) or with a fixed number of clients (closed loop). The time from POST to confirmed is read, after each run, from
/// every order's own event stream: Ordering stamps each saga step when it decides it, so the figures need no polling
/// while the load runs (only a count query every few seconds for the progress line, and count queries while draining).
/// </summary>
public sealed class LoadGenerator(BenchOptions options, ShopApi api, TimeProvider clock)
{
    private const string Password = "Bench!Orders-2345";

    private readonly List<string> _products = [];
    private readonly List<SignedIn> _customers = [];
    private readonly List<OrderRecord> _orders = [];
    private readonly Random _mix = new(options.Seed);
    private readonly CpuSampler _cpu = new(options);
    private readonly string _tag = clock.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
    private SignedIn? _admin;

    public IReadOnlyList<OrderRecord> Orders => _orders;
    public IReadOnlyList<string> Products => _products;

    /// <summary>The staff member's and the customers' sign-ins (bench/chaos reads orders and keys with them).</summary>
    public SignedIn Admin => _admin!;

    public IReadOnlyList<SignedIn> Customers => _customers;

    private static void Log(string message) => Console.Error.WriteLine($"loadgen: {message}");

    // ------------------------------------------------------------------- setup --

    public async Task SetUpAsync(CancellationToken ct)
    {
        var scripts = await api.ScriptsTokenAsync(ct);
        var category = await api.FirstCategoryAsync(ct);
        for (var i = 0; i < options.Products; i++)
        {
            // Prices 10,000–49,000 KRW; the PSP simulator authorizes any amount.
            _products.Add(await api.CreateProductAsync(scripts, $"BENCH-{_tag}-{i:D3}", category, 10_000 + (i % 40) * 1_000, options.Stock, ct));
        }

        for (var i = 0; i < options.Customers; i++)
        {
            var email = $"bench-{_tag}-{i}@agora.local";
            await api.RegisterAsync($"Bench Customer {i}", email, Password, ct);
            _customers.Add(await api.SignInAsync(email, Password, ct));
        }

        _admin = await api.SignInAsStaffAsync(options.AdminEmail, options.AdminPassword, ct);
        Log($"{_products.Count} products with {options.Stock} units each, {_customers.Count} customers signed in (tag {_tag})");
    }

    /// <summary>Access tokens live 15 minutes: sign in again once they are 10 minutes old (between runs and during one).</summary>
    private async Task RefreshTokensAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        for (var i = 0; i < _customers.Count; i++)
        {
            if (now - _customers[i].IssuedAt > TimeSpan.FromMinutes(10))
            {
                _customers[i] = await api.SignInAsync(_customers[i].Email, Password, ct);
            }
        }

        if (now - _admin!.IssuedAt > TimeSpan.FromMinutes(10))
        {
            _admin = await api.SignInAsStaffAsync(options.AdminEmail, options.AdminPassword, ct);
        }
    }

    // -------------------------------------------------------------------- load --

    /// <summary>
    /// One run: <paramref name="leadSeconds"/> of load, then the measured window of DURATION seconds, then the
    /// drain (every order reaches the end of its saga) and the read of every order's events.
    /// </summary>
    public async Task<RunWindow> RunAsync(int run, int leadSeconds, int measuredSeconds, CancellationToken ct)
    {
        await RefreshTokensAsync(ct);
        var startTs = Stopwatch.GetTimestamp();
        var start = clock.GetUtcNow();
        var windowStart = start + TimeSpan.FromSeconds(leadSeconds);
        var end = windowStart + TimeSpan.FromSeconds(measuredSeconds);
        var records = new ConcurrentBag<OrderRecord>();
        var pending = new ConcurrentDictionary<Task, bool>();
        var rate = run == 0 && options.Rate > 0 && options.WarmupRate > 0 ? options.WarmupRate : options.Rate;
        CpuSampler.Snapshot? cpuStart = null;
        var cpuEnd = default(CpuSampler.Snapshot);
        var maxLag = 0.0;
        Log(run == 0
            ? $"warm-up: {options.Describe(rate)} for {leadSeconds} s, then drain"
            : $"run {run}: {options.LoadDescription}, {leadSeconds} s lead-in, then {measuredSeconds} s measured");

        using var progressCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = ProgressAsync(run, start, progressCts.Token);

        // Samples CPU as the window opens and closes, whatever the load loop is doing.
        var cpuTask = Task.Run(async () =>
        {
            await DelayUntilAsync(windowStart);
            cpuStart = _cpu.Take();
            await DelayUntilAsync(end);
            cpuEnd = _cpu.Take();
        }, ct);

        if (rate > 0)
        {
            // Open loop: order n is due at start + n / rate, sent then whatever happened to the earlier ones.
            var interval = Stopwatch.Frequency / rate;
            for (long n = 0; ; n++)
            {
                var dueTs = startTs + (long)(n * interval);
                var due = start + Stopwatch.GetElapsedTime(startTs, dueTs);
                if (due >= end)
                {
                    break;
                }

                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), dueTs);
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, ct);
                }

                maxLag = Math.Max(maxLag, -Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), dueTs).TotalMilliseconds);
                var record = NextOrder(run, n, due, windowStart, end);
                records.Add(record);
                if (pending.Count >= options.MaxInFlight)
                {
                    record.Skipped = true;
                    continue;
                }

                var task = PlaceAsync(record, ct);
                pending[task] = true;
                _ = task.ContinueWith(t => pending.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        else
        {
            long counter = -1;
            var clients = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
            {
                while (clock.GetUtcNow() < end && !ct.IsCancellationRequested)
                {
                    OrderRecord record;
                    lock (_mix)
                    {
                        record = NextOrder(run, Interlocked.Increment(ref counter), clock.GetUtcNow(), windowStart, end);
                    }

                    records.Add(record);
                    await PlaceAsync(record, ct);
                }
            }, ct)).ToList();
            await Task.WhenAll(clients);
        }

        await Task.WhenAll(pending.Keys);
        await cpuTask;
        await progressCts.CancelAsync();
        await progress;

        var mine = records.OrderBy(r => r.Due).ToList();
        _orders.AddRange(mine);
        await RefreshTokensAsync(ct);
        await DrainAsync(ct);
        await ReadOutcomesAsync(mine, ct);
        return new RunWindow(run, windowStart, end, CpuSampler.Between(cpuStart!, cpuEnd!), maxLag);

        async Task DelayUntilAsync(DateTimeOffset at)
        {
            var wait = at - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct);
            }
        }
    }

    /// <summary>The next order of the seeded mix: 1–3 lines (60/30/10 %), 1–3 units each, customers in turn.</summary>
    private OrderRecord NextOrder(int run, long n, DateTimeOffset due, DateTimeOffset windowStart, DateTimeOffset end)
    {
        var roll = _mix.NextDouble();
        var count = roll < 0.6 ? 1 : roll < 0.9 ? 2 : 3;
        var lines = new List<(string, int)>(count);
        var used = new HashSet<int>();
        while (lines.Count < count)
        {
            var p = _mix.Next(_products.Count);
            if (used.Add(p))
            {
                lines.Add((_products[p], 1 + _mix.Next(3)));
            }
        }

        return new OrderRecord
        {
            Run = run, Measured = due >= windowStart && due < end, Customer = (int)(n % _customers.Count), Lines = lines, Due = due,
        };
    }

    private async Task PlaceAsync(OrderRecord record, CancellationToken ct)
    {
        // Off the scheduler's thread at once: building the body and the request must not delay the next slot.
        await Task.Yield();
        var body = ShopApi.OrderBody(record.Lines, record.Customer);
        record.Sent = clock.GetUtcNow();
        var t0 = Stopwatch.GetTimestamp();
        var result = await api.PlaceOrderAsync(_customers[record.Customer].Token, record.Key, body, ct);
        record.PostMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        record.FirstStatus = result.Status;
        record.Attempts = 1;

        // A client that got no answer or a 5xx sends the same request again with the same key (POST_RETRIES, off by
        // default): 1, 2, 4, 8 … s apart, at most 16 s.
        while (result.Status is 0 or >= 500 && record.Attempts <= options.PostRetries)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(16, 1 << (record.Attempts - 1))), ct);
            result = await api.PlaceOrderAsync(_customers[record.Customer].Token, record.Key, body, ct);
            record.Attempts++;
        }

        record.Status = result.Status;
        record.Error = result.Error;
        record.OrderId = result.OrderId;
        if (result.Status is 0 or >= 500 && options.PostRetries > 0)
        {
            // Still no answer: the client asks whether the order exists (GET /api/v1/orders?idempotency_key=).
            record.OrderId = await api.FindOrderByKeyAsync(_customers[record.Customer].Token, record.Key, ct);
            record.ResolvedByKey = record.OrderId is not null;
        }
    }

    private async Task ProgressAsync(int run, DateTimeOffset start, CancellationToken ct)
    {
        if (options.Progress <= 0)
        {
            return;
        }

        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(options.Progress), ct);
                try
                {
                    // A run can outlast an access token (15 minutes): the clients sign in again as real ones would.
                    await RefreshTokensAsync(ct);
                    var completed = await api.CountSagasAsync(_admin!.Token, "completed", ct);
                    Log($"run {run} +{(clock.GetUtcNow() - start).TotalSeconds:0}s: {completed} orders confirmed so far (all runs)");
                }
                catch (Exception e) when (e is BenchException or HttpRequestException || e is TaskCanceledException && !ct.IsCancellationRequested)
                {
                    Log("progress query failed (Identity or Ordering restarting?): " + e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run's load is over
        }
    }

    /// <summary>
    /// Waits until every order in the shop (this generator's and any earlier one's on the same services) has reached
    /// the end of its saga: four count queries a second.
    /// </summary>
    private async Task DrainAsync(CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(options.DrainTimeout);
        var started = clock.GetUtcNow();
        long ended = 0, total = 0;
        while (clock.GetUtcNow() < deadline)
        {
            try
            {
                total = await api.CountOrdersAsync(_admin!.Token, ct);
                ended = 0;
                foreach (var state in new[] { "completed", "cancelled", "failed" })
                {
                    ended += await api.CountSagasAsync(_admin!.Token, state, ct);
                }
            }
            catch (BenchException e) when (e.Status == System.Net.HttpStatusCode.Unauthorized)
            {
                // The staff token was refused (expired, or issued before Identity's restart): sign in again and ask again.
                Log($"drain query refused the staff token ({(clock.GetUtcNow() - _admin!.IssuedAt).TotalMinutes:0.0} min old), signing in again: {e.Message}");
                _admin = await api.SignInAsStaffAsync(options.AdminEmail, options.AdminPassword, ct);
                continue;
            }
            catch (Exception e) when (e is BenchException { Transient: true } or HttpRequestException || e is TaskCanceledException && !ct.IsCancellationRequested)
            {
                // Ordering is restarting (the chaos run kills it): ask again in a second, until the deadline.
                Log("drain query failed, asking again: " + e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                continue;
            }

            if (ended >= total)
            {
                Log($"drained: all {total} orders in the shop at the end of their saga, {(clock.GetUtcNow() - started).TotalSeconds:0.0} s after the load stopped");
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }

        Log($"drain timed out after {options.DrainTimeout} s: {ended} of {total} orders in the shop ended");
    }

    /// <summary>Reads every order's event stream (staff token, 8 at a time) and classifies it.</summary>
    private async Task ReadOutcomesAsync(IReadOnlyList<OrderRecord> records, CancellationToken ct)
    {
        await Parallel.ForEachAsync(records.Where(r => r.OrderId is not null), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (record, token) =>
            {
                try
                {
                    record.Events = await api.EventsAsync(_admin!.Token, record.OrderId!, token);
                    record.Classify();
                }
                catch (BenchException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
                {
                    // The shop answered with this order's id and no longer knows it: lost. The checks report it.
                    record.Missing = true;
                    record.Outcome = Outcome.Unknown;
                }
            });
    }

    // ------------------------------------------------------------------ checks --

    /// <summary>
    /// Stock is conserved: for every bench product, nothing is still reserved and the units gone are exactly the units
    /// of its confirmed orders. Returns the problems found (none if conserved).
    /// </summary>
    public async Task<List<string>> CheckStockAsync(CancellationToken ct)
    {
        var sold = _products.ToDictionary(p => p, _ => 0L, StringComparer.Ordinal);
        foreach (var order in _orders.Where(o => o.Outcome == Outcome.Confirmed))
        {
            foreach (var (product, quantity) in order.Lines)
            {
                sold[product] += quantity;
            }
        }

        var problems = new List<string>();
        foreach (var product in _products)
        {
            var (available, reserved) = await api.InventoryAsync(product, ct);
            if (reserved != 0 || available != options.Stock - sold[product])
            {
                problems.Add($"{product}: available {available}, reserved {reserved}; expected available {options.Stock - sold[product]} " +
                             $"({options.Stock} - {sold[product]} sold in confirmed orders), reserved 0");
            }
        }

        return problems;
    }
}
