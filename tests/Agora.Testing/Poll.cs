namespace Agora.Testing;

/// <summary>
/// Waits for something that happens in the background or over time (a breaker closing, a cache lapsing, a flood
/// settling): probes until the condition holds, and fails with the last value seen when the deadline passes.
/// </summary>
public static class Poll
{
    /// <summary>Probes every <paramref name="interval"/> (50 ms) until <paramref name="done"/> holds, for at most <paramref name="timeout"/> (10 s).</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var last = await probe();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; last: {last}");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }
    }
}
