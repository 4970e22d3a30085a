using System.ComponentModel.DataAnnotations;

namespace Agora.Payment;

/// <summary><c>Payment</c> section.</summary>
public sealed class PaymentOptions
{
    public const string SectionName = "Payment";

    /// <summary>The payment provider and the resilience pipeline in front of it.</summary>
    public PspOptions Psp { get; set; } = new();

    /// <summary>
    /// While the provider cannot be reached, how long Payment waits before its next durable attempt: the n-th retry
    /// waits the n-th delay, later ones the last. Default 1 s, 2 s, 5 s, 10 s, 30 s, 60 s.
    /// </summary>
    public List<TimeSpan>? RetryDelays { get; set; }

    /// <summary>No durable retry waits longer than this. Default 60 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A gRPC call talks to the provider itself, and also leaves a durable attempt scheduled this far ahead, which
    /// finishes the operation should the process die mid-call (and finds nothing to do otherwise). Default 60 s.
    /// </summary>
    public TimeSpan InlineSafetyNet { get; set; } = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan[] DefaultRetryDelays =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)];

    /// <summary>The wait before durable attempt number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan RetryDelay(int attempt)
    {
        IReadOnlyList<TimeSpan> delays = RetryDelays is { Count: > 0 } configured ? configured : DefaultRetryDelays;
        var delay = delays[Math.Clamp(attempt - 1, 0, delays.Count - 1)];
        return delay > MaxRetryDelay ? MaxRetryDelay : delay;
    }
}

/// <summary>
/// <c>Payment:Psp</c>: where the provider is and the numbers of the pipeline every call to it goes through (guide §6.5,
/// §10.4): a bulkhead, retries with exponential backoff, a circuit breaker and a per-attempt timeout.
/// </summary>
public sealed class PspOptions
{
    /// <summary>The provider's base URL. Default the PSP simulator's local address from the service table (<c>http://localhost:5190/</c>).</summary>
    [Required]
    public string BaseUrl { get; set; } = Agora.Hosting.ServiceTable.Get("psp").HttpUrl() + "/";

    /// <summary>Timeout of one attempt. Default 2 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries after the first attempt. Default 5.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 5;

    /// <summary>First retry delay, doubled on each retry (100, 200, 400, 800, 1600 ms, with jitter). Default 100 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Share of failed calls in the sampling window that opens the breaker. Default 0.5.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls the window must hold before the breaker may open. Default 5.</summary>
    [Range(2, 1000)]
    public int BreakerMinimumThroughput { get; set; } = 5;

    /// <summary>
    /// The breaker's window. Polly v8 counts calls over a time window, not the last N calls: 10 s holds the seed's
    /// "last 10 calls" and more at any real load, and with 5 retries one failing call alone fills it. Default 10 s.
    /// </summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest the breaker stays open before a trial call: the seed's 30 s (§6.5). The first break is shorter
    /// (<see cref="FirstBreakDuration"/>) and doubles after each failed trial up to this, so a short outage of the
    /// provider ends for Payment as soon as a trial call succeeds, not 30 s after it began. Default 30 s.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first break after the breaker opens; doubled after each failed trial, up to <see cref="BreakDuration"/>. Default 5 s.</summary>
    public TimeSpan FirstBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The break after <paramref name="failedTrials"/> trial calls failed in a row (0 when it first opens).</summary>
    public TimeSpan BreakAfter(int failedTrials) =>
        Agora.ServiceDefaults.Resilience.AgoraResilience.BreakAfter(failedTrials, FirstBreakDuration, BreakDuration);

    /// <summary>Concurrent calls to the provider (bulkhead). Default 20.</summary>
    [Range(1, 10_000)]
    public int BulkheadPermits { get; set; } = 20;

    /// <summary>Calls that may wait for a bulkhead permit; beyond that they fail at once. Default 50.</summary>
    [Range(0, 100_000)]
    public int BulkheadQueue { get; set; } = 50;
}
