using System.Diagnostics;

namespace Agora.Testing;

/// <summary>
/// The one way the tests wait for something that happens in the background (a message handled, a breaker closing, a
/// cache lapsing, an email arriving): probe until the condition holds, and fail with what was awaited and the last value
/// seen when the deadline passes. The deadline only bounds a failing test; a passing one returns as soon as the
/// condition holds. Where the code under test takes a <see cref="TimeProvider"/>, tests move a FakeTimeProvider instead;
/// message flows in one process can use Wolverine's tracked sessions.
/// </summary>
public static class Poll
{
    /// <summary>How long a poll waits unless told otherwise (generous: a shared CI machine can be slow).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Probes every <paramref name="interval"/> (50 ms) until <paramref name="done"/> holds, for at most <paramref name="timeout"/> (20 s).</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var last = await probe();
            if (done(last))
            {
                return last;
            }

            if (clock.Elapsed > limit)
            {
                throw new Xunit.Sdk.XunitException($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}; last: {Describe(last)}");
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>Probes until <paramref name="probe"/> returns something (not null), and returns it.</summary>
    public static async Task<T> UntilFoundAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null, TimeSpan? interval = null) where T : class =>
        (await UntilAsync(probe, found => found is not null, what, timeout, interval))!;

    /// <summary>Probes until <paramref name="probe"/> finds something (not null), and returns it.</summary>
    public static Task<T> UntilFoundAsync<T>(Func<T?> probe, string what, TimeSpan? timeout = null, TimeSpan? interval = null) where T : class =>
        UntilFoundAsync(() => Task.FromResult(probe()), what, timeout, interval);

    /// <summary>Probes until <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null) =>
        UntilAsync(condition, held => held, what, timeout, interval);

    /// <summary>Probes until <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(condition()), held => held, what, timeout, interval);

    /// <summary>
    /// The one bounded wait for something that must NOT happen: probes for the whole <paramref name="window"/> and fails
    /// as soon as <paramref name="holds"/> stops holding (a second delivery, a duplicate row). Nothing signals that an
    /// event did not occur, so such a test has to give it a window to occur in; callers say in a comment why their window
    /// is long enough. Prefer a positive event that must come after the unwanted one where there is one.
    /// </summary>
    public static async Task StaysAsync<T>(Func<Task<T>> probe, Func<T, bool> holds, string what, TimeSpan window, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var last = await probe();
            if (!holds(last))
            {
                throw new Xunit.Sdk.XunitException($"Expected {what} for {window.TotalSeconds:0.#} s, but after {clock.Elapsed.TotalSeconds:0.#} s: {Describe(last)}");
            }

            if (clock.Elapsed > window)
            {
                return;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Holds for the whole <paramref name="window"/> (see <see cref="StaysAsync{T}"/>).</summary>
    public static Task StaysAsync(Func<bool> condition, string what, TimeSpan window) =>
        StaysAsync(() => Task.FromResult(condition()), held => held, what, window);

    private static string Describe<T>(T value) => value switch
    {
        null => "nothing",
        string s => s.Length == 0 ? "(empty)" : s,
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>().Take(20)) + "]",
        _ => value.ToString() ?? "",
    };
}
