using System.Globalization;

namespace Agora.Bench.Orders;

/// <summary>
/// What to run, from the environment (bench/orders/run.sh passes its knobs through). Every default is reproducible:
/// the order mix comes from a seeded <see cref="Random"/>, the offered load from a fixed rate or a fixed concurrency.
/// </summary>
public sealed record BenchOptions
{
    /// <summary>A label for the report (<c>embedded</c>, <c>distributed</c>).</summary>
    public string Mode { get; init; } = "embedded";

    public Uri Identity { get; init; } = new("http://127.0.0.1:25101/");
    public Uri Catalog { get; init; } = new("http://127.0.0.1:25102/");
    public Uri Ordering { get; init; } = new("http://127.0.0.1:25103/");

    /// <summary>
    /// Where the bench reads Ordering's staff views (saga counts, event streams) while it drains and checks: Ordering
    /// itself (ORDERING_ADMIN_URL, default <see cref="Ordering"/>). The chaos run places orders through the gateway,
    /// which does not route the staff-only saga listing.
    /// </summary>
    public Uri OrderingAdmin { get; init; } = new("http://127.0.0.1:25103/");

    /// <summary>Open loop: orders placed per second at fixed intervals, whatever the answers (0 = closed loop).</summary>
    public double Rate { get; init; }

    /// <summary>
    /// Open loop: the warm-up's rate. Default: <see cref="Rate"/>, at most 20/s. The warm-up is for the JIT and the pools,
    /// and a cold shop on 2 busy cores cannot take much more: at the distributed target (200/s) a warm-up at that rate
    /// is a backlog of thousands of orders to drain before the first run.
    /// </summary>
    public double WarmupRate { get; init; }

    /// <summary>Closed loop: this many clients, each placing its next order as soon as the last POST answered.</summary>
    public int Concurrency { get; init; }

    /// <summary>Seconds measured per run.</summary>
    public int Duration { get; init; } = 30;

    /// <summary>Seconds of load before the first run (JIT tiering, pools, caches), then drained; not measured.</summary>
    public int Warmup { get; init; } = 60;

    /// <summary>Seconds of load at the start of every run before its window opens, so the saga pipeline is full.</summary>
    public int LeadIn { get; init; } = 5;

    public int Runs { get; init; } = 3;
    public int Customers { get; init; } = 8;
    public int Products { get; init; } = 40;

    /// <summary>Initial stock of each bench product: ample, so no order is refused for stock.</summary>
    public int Stock { get; init; } = 1_000_000;

    public int Seed { get; init; } = 4;

    /// <summary>How long to wait after the load for every order to reach the end of its saga.</summary>
    public int DrainTimeout { get; init; } = 600;

    /// <summary>Seconds between the progress queries (one count query; 0 = none) while the load runs.</summary>
    public int Progress { get; init; } = 5;

    /// <summary>Open loop: POSTs allowed in flight before the generator counts a slot as skipped (overload guard).</summary>
    public int MaxInFlight { get; init; } = 2000;

    /// <summary>Processes to account CPU to: <c>name=pid,name=pid</c>.</summary>
    public IReadOnlyList<(string Name, int Pid)> ServicePids { get; init; } = [];

    /// <summary>How often a client re-sends a POST that got no answer or a 5xx, with the same key (POST_RETRIES, default 0).</summary>
    public int PostRetries { get; init; }

    /// <summary>Distributed mode: the prefix of this run's PostgreSQL databases, to find their backends' CPU.</summary>
    public string? DatabasePrefix { get; init; }

    /// <summary>Where to write the raw results (JSON per run, the orders as CSV); none if empty.</summary>
    public string? OutputDirectory { get; init; }

    public string AdminEmail { get; init; } = "admin@agora.local";
    public string AdminPassword { get; init; } = "Admin!2345";

    public string LoadDescription => Describe(Rate);

    public string Describe(double rate) => rate > 0
        ? $"open loop, {rate.ToString("0.#", CultureInfo.InvariantCulture)} orders/s"
        : $"closed loop, {Concurrency} clients";

    public static BenchOptions FromEnvironment()
    {
        ClientTls.Directory = Text("CLIENT_CERTS");
        var o = new BenchOptions
        {
            Mode = Text("MODE") ?? "embedded",
            Identity = Url("IDENTITY_URL", "http://127.0.0.1:25101/"),
            Catalog = Url("CATALOG_URL", "http://127.0.0.1:25102/"),
            Ordering = Url("ORDERING_URL", "http://127.0.0.1:25103/"),
            OrderingAdmin = Url("ORDERING_ADMIN_URL", Text("ORDERING_URL") ?? "http://127.0.0.1:25103/"),
            Rate = double.Parse(Text("RATE") ?? "0", CultureInfo.InvariantCulture),
            WarmupRate = double.Parse(Text("WARMUP_RATE") ?? "0", CultureInfo.InvariantCulture),
            Concurrency = Int("CONCURRENCY", 0),
            Duration = Int("DURATION", 30),
            Warmup = Int("WARMUP", 60),
            LeadIn = Int("LEAD_IN", 5),
            Runs = Int("RUNS", 3),
            Customers = Int("CUSTOMERS", 8),
            Products = Int("PRODUCTS", 40),
            Stock = Int("STOCK", 1_000_000),
            Seed = Int("SEED", 4),
            DrainTimeout = Int("DRAIN_TIMEOUT", 600),
            Progress = Int("PROGRESS", 5),
            MaxInFlight = Int("MAX_INFLIGHT", 2000),
            PostRetries = Int("POST_RETRIES", 0),
            ServicePids = Pids(Text("SERVICE_PIDS")),
            DatabasePrefix = Text("DB_PREFIX"),
            OutputDirectory = Text("OUT"),
        };
        if (o.Rate <= 0 && o.Concurrency <= 0)
        {
            o = o with { Rate = 50 };
        }

        if (o.Rate > 0 && o.WarmupRate <= 0)
        {
            o = o with { WarmupRate = Math.Min(o.Rate, 20) };
        }

        if (o.Rate > 0 && o.Concurrency > 0)
        {
            throw new ArgumentException("Set RATE (open loop) or CONCURRENCY (closed loop), not both.");
        }

        if (o.Duration <= 0 || o.Runs <= 0 || o.Customers <= 0 || o.Products <= 0 || o.Stock is <= 0 or > 1_000_000)
        {
            throw new ArgumentException("DURATION, RUNS, CUSTOMERS and PRODUCTS must be positive; STOCK 1–1000000.");
        }

        return o;
    }

    private static string? Text(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v.Trim() : null;

    private static int Int(string name, int fallback) =>
        Text(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static Uri Url(string name, string fallback)
    {
        var text = Text(name) ?? fallback;
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }

    private static List<(string, int)> Pids(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (p[0], int.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();
}
