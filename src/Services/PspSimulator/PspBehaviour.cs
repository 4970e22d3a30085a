namespace Agora.PspSimulator;

/// <summary>
/// Failure injection: read at start from <c>Psp:Behaviour</c>, switched at run time with <c>PUT /admin/behaviour</c>.
/// Everything defaults to a healthy provider.
/// </summary>
public sealed record PspBehaviour
{
    /// <summary>Delay in milliseconds added to every <c>/v1</c> answer, after the work is done (0–60000). Default 0.</summary>
    public int LatencyMs { get; init; }

    /// <summary>Share of authorizations declined at random, 0–1 (seeded, so a run repeats). Default 0.</summary>
    public double DeclineRate { get; init; }

    /// <summary>Share of <c>/v1</c> requests answered 503 without doing anything, 0–1 (seeded). Default 0.</summary>
    public double ErrorRate { get; init; }

    /// <summary>A dead host: every <c>/v1</c> connection is closed without an answer. Default false.</summary>
    public bool Outage { get; init; }

    /// <summary>Customer ids whose authorizations are always declined. Default none.</summary>
    public string[] DeclineCustomers { get; init; } = [];

    /// <summary>What is wrong with this behaviour, if anything.</summary>
    public IEnumerable<string> Problems()
    {
        if (LatencyMs is < 0 or > 60_000)
        {
            yield return "latency_ms must be between 0 and 60000";
        }

        if (DeclineRate is < 0 or > 1 || double.IsNaN(DeclineRate))
        {
            yield return "decline_rate must be between 0 and 1";
        }

        if (ErrorRate is < 0 or > 1 || double.IsNaN(ErrorRate))
        {
            yield return "error_rate must be between 0 and 1";
        }

        if (DeclineCustomers is null || DeclineCustomers.Length > 1000)
        {
            yield return "decline_customers must be a list of at most 1000 customer ids";
        }
    }
}

/// <summary>
/// The behaviour in force, the seeded random source the rates draw from, and a count of <c>/v1</c> requests (what a
/// test reads to see that a client stopped calling, e.g. while its circuit breaker is open).
/// </summary>
public sealed class PspControl
{
    private readonly Lock _lock = new();
    private PspBehaviour _behaviour;
    private Random _random;
    private long _requests;

    public PspControl(PspBehaviour initial, int seed)
    {
        _behaviour = initial;
        _random = new Random(seed);
    }

    public PspBehaviour Behaviour
    {
        get
        {
            lock (_lock)
            {
                return _behaviour;
            }
        }
    }

    public long Requests => Interlocked.Read(ref _requests);

    public void Set(PspBehaviour behaviour, int? seed)
    {
        lock (_lock)
        {
            _behaviour = behaviour;
            if (seed is { } s)
            {
                _random = new Random(s);
            }
        }
    }

    public void CountRequest() => Interlocked.Increment(ref _requests);

    /// <summary>True when this request should be answered 503 (error_rate).</summary>
    public bool FailNow()
    {
        lock (_lock)
        {
            return _behaviour.ErrorRate > 0 && _random.NextDouble() < _behaviour.ErrorRate;
        }
    }

    /// <summary>True when this customer's card is declined (listed, or drawn by decline_rate).</summary>
    public bool Declines(string customer)
    {
        lock (_lock)
        {
            return _behaviour.DeclineCustomers.Contains(customer, StringComparer.Ordinal)
                || (_behaviour.DeclineRate > 0 && _random.NextDouble() < _behaviour.DeclineRate);
        }
    }
}
