namespace Agora.Gateway.RateLimiting.Policies;

/// <summary>
/// The two algorithms, as the local store runs them. The Redis store runs the same arithmetic in Lua
/// (<see cref="Stores.RedisScripts"/>); keep the two in step.
/// </summary>
internal static class Algorithms
{
    /// <summary>The room a request of <paramref name="permits"/> needs: a peek (0 permits) needs room for one request.</summary>
    public static long Needed(int permits) => Math.Max(1, permits);

    /// <summary>
    /// Token bucket: refill by elapsed time (capped at capacity), then take <paramref name="permits"/> tokens if there are
    /// that many (at least one must be there even for a peek of 0 permits).
    /// </summary>
    /// <param name="tokens">Tokens in the bucket, updated.</param>
    /// <param name="lastMicros">When <paramref name="tokens"/> was last computed (Unix µs), updated.</param>
    /// <param name="nowMicros">Now, Unix µs.</param>
    /// <param name="capacity">Bucket size.</param>
    /// <param name="ratePerSecond">Tokens added per second.</param>
    /// <param name="permits">Tokens the request takes: 1 for a request, more for a costly one, 0 to only look.</param>
    public static RateLimitDecision TokenBucket(ref double tokens, ref long lastMicros, long nowMicros, long capacity, double ratePerSecond, int permits = 1)
    {
        var elapsed = Math.Max(0, nowMicros - lastMicros);
        tokens = Math.Min(capacity, tokens + (elapsed * ratePerSecond / 1_000_000d));
        lastMicros = Math.Max(lastMicros, nowMicros);
        var allowed = tokens >= Needed(permits);
        if (allowed)
        {
            tokens -= permits;
        }

        return TokenBucketDecision(allowed, tokens, capacity, ratePerSecond, permits);
    }

    /// <summary>The decision for a bucket holding <paramref name="tokens"/> after the request.</summary>
    public static RateLimitDecision TokenBucketDecision(bool allowed, double tokens, long capacity, double ratePerSecond, int permits = 1)
    {
        var remaining = (long)Math.Floor(tokens);
        var resetMs = (long)Math.Ceiling((capacity - tokens) / ratePerSecond * 1000);
        var retryMs = allowed ? 0 : (long)Math.Ceiling((Math.Min(Needed(permits), capacity) - tokens) / ratePerSecond * 1000);
        return new RateLimitDecision(allowed, Math.Max(retryMs, allowed ? 0 : 1), new WindowState(capacity, remaining, resetMs));
    }

    /// <summary>
    /// The seed's sliding window over every window of a policy: per window the weighted count
    /// <c>previous × (window − elapsed) / window + current</c> plus this request must stay within the limit;
    /// when all windows admit, the request counts in each.
    /// </summary>
    /// <param name="state">Per window three numbers: the current fixed window's index, its count, the previous
    /// window's count. Rolled forward to <paramref name="nowMs"/> and updated.</param>
    /// <param name="nowMs">Now, Unix ms. Windows are aligned to the Unix epoch, as in Redis.</param>
    /// <param name="windows">The policy's windows.</param>
    /// <param name="permits">What the request counts: 1 for a request, more for a costly one, 0 to only look.</param>
    public static RateLimitDecision SlidingWindow(Span<long> state, long nowMs, WindowSpec[] windows, int permits = 1)
    {
        // A clock that stepped back must not reopen a window already counted in: never earlier than its start.
        for (var i = 0; i < windows.Length; i++)
        {
            nowMs = Math.Max(nowMs, state[i * 3] * windows[i].WindowMs);
        }

        var allowed = true;
        for (var i = 0; i < windows.Length; i++)
        {
            var w = windows[i].WindowMs;
            var index = nowMs / w;
            ref var stored = ref state[i * 3];
            ref var current = ref state[(i * 3) + 1];
            ref var previous = ref state[(i * 3) + 2];
            if (stored != index)
            {
                previous = stored == index - 1 ? current : 0;
                current = 0;
                stored = index;
            }

            if (Weighted(previous, current, w, nowMs - (index * w)) + Needed(permits) > windows[i].Limit)
            {
                allowed = false;
            }
        }

        if (allowed)
        {
            for (var i = 0; i < windows.Length; i++)
            {
                state[(i * 3) + 1] += permits;
            }
        }

        return SlidingWindowDecision(allowed, nowMs, state, windows, permits);
    }

    /// <summary>The seed's weighted count: the previous window's count weighted by how much of it still overlaps.</summary>
    public static double Weighted(long previous, long current, long windowMs, long elapsedMs) =>
        (previous * (double)(windowMs - elapsedMs) / windowMs) + current;

    /// <summary>
    /// The decision from the windows' state after the request (current index, count, previous count per window):
    /// shared by the local store and the Redis store, whose script returns that state.
    /// </summary>
    public static RateLimitDecision SlidingWindowDecision(bool allowed, long nowMs, ReadOnlySpan<long> state, WindowSpec[] windows, int permits = 1)
    {
        long retryMs = 0;
        var results = windows.Length == 1 ? null : new WindowState[windows.Length];
        WindowState single = default;
        for (var i = 0; i < windows.Length; i++)
        {
            var spec = windows[i];
            var w = spec.WindowMs;
            var elapsed = nowMs - (state[i * 3] * w);
            var current = state[(i * 3) + 1];
            var previous = state[(i * 3) + 2];

            // After the request: it is in current when admitted; when refused nothing was added.
            var weighted = Weighted(previous, current, w, elapsed);
            var remaining = Math.Max(0, (long)Math.Floor(spec.Limit - weighted));
            var resetMs = w - elapsed;
            if (!allowed && weighted + Needed(permits) > spec.Limit)
            {
                resetMs = RetrySlidingMs(spec.Limit, w, elapsed, current, previous, Math.Min(Needed(permits), spec.Limit));
                retryMs = Math.Max(retryMs, resetMs);
            }

            var window = new WindowState(spec.Limit, remaining, resetMs);
            if (results is null)
            {
                single = window;
            }
            else
            {
                results[i] = window;
            }
        }

        return results is null ? new RateLimitDecision(allowed, retryMs, single) : new RateLimitDecision(allowed, retryMs, results);
    }

    /// <summary>
    /// Milliseconds until a refusing window admits <paramref name="needed"/> more (one request by default), assuming no
    /// other traffic: the previous window's weight decays through the current window; if the current count alone leaves
    /// too little room, it becomes the previous count at the window's end and decays through the next one.
    /// </summary>
    public static long RetrySlidingMs(long limit, long windowMs, long elapsedMs, long current, long previous, long needed = 1)
    {
        double room = limit - needed - current;
        if (room >= 0 && previous > 0)
        {
            // previous × (W − e − t) / W ≤ room  ⇔  t ≥ W − e − room × W / previous
            var t = windowMs - elapsedMs - (room * windowMs / previous);
            if (t < windowMs - elapsedMs)
            {
                return Math.Max(1, (long)Math.Ceiling(t));
            }
        }

        // Next window: current × (W − e′) / W ≤ limit − needed  ⇔  e′ ≥ W − (limit − needed) × W / current
        var next = current > 0 ? Math.Max(0, windowMs - ((limit - needed) * (double)windowMs / current)) : 0;
        return Math.Max(1, (long)Math.Ceiling(windowMs - elapsedMs + next));
    }
}
