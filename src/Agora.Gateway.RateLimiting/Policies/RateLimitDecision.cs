namespace Agora.Gateway.RateLimiting.Policies;

/// <summary>What one window (or the bucket) says after a request: its limit, what is left, and when it resets.</summary>
/// <param name="Limit">The window's limit (bucket capacity).</param>
/// <param name="Remaining">Requests still allowed now.</param>
/// <param name="ResetMs">
/// Milliseconds until the window resets: the end of the current fixed window for a sliding window that admits, the
/// moment it admits again for one that refuses, the moment the bucket is full again for a token bucket.
/// </param>
internal readonly record struct WindowState(long Limit, long Remaining, long ResetMs);

/// <summary>The outcome of one request against one policy.</summary>
internal readonly struct RateLimitDecision
{
    public RateLimitDecision(bool allowed, long retryAfterMs, WindowState single)
    {
        Allowed = allowed;
        RetryAfterMs = retryAfterMs;
        Tightest = single;
        TightestIndex = 0;
        Windows = null;
    }

    public RateLimitDecision(bool allowed, long retryAfterMs, WindowState[] windows)
    {
        Allowed = allowed;
        RetryAfterMs = retryAfterMs;
        Windows = windows;

        // The most restrictive window: least remaining; on a tie the one that resets last.
        var best = 0;
        for (var i = 1; i < windows.Length; i++)
        {
            if (windows[i].Remaining < windows[best].Remaining
                || (windows[i].Remaining == windows[best].Remaining && windows[i].ResetMs > windows[best].ResetMs))
            {
                best = i;
            }
        }

        TightestIndex = best;
        Tightest = windows[best];
    }

    /// <summary>True when every window admitted the request (and counted it).</summary>
    public bool Allowed { get; }

    /// <summary>When refused: milliseconds until a request would be admitted.</summary>
    public long RetryAfterMs { get; }

    /// <summary>The most restrictive window, reported in <c>X-RateLimit-*</c>.</summary>
    public WindowState Tightest { get; }

    public int TightestIndex { get; }

    /// <summary>Every window when the policy has more than one; null otherwise.</summary>
    public WindowState[]? Windows { get; }

    public int Count => Windows?.Length ?? 1;

    public WindowState this[int index] => Windows is null ? Tightest : Windows[index];
}
