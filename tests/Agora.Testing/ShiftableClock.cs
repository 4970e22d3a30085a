namespace Agora.Testing;

/// <summary>
/// The system clock, moved forward on demand: for an app shared by many tests, where a FakeTimeProvider would stop
/// time for all of them (timestamps, cache lifetimes, token checks) but one test needs a deadline to pass now (a
/// reservation's TTL). Timers and timestamps are the system's; only the wall-clock time is shifted, never backwards.
/// </summary>
public sealed class ShiftableClock : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far ahead of the system clock this clock is.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;

    /// <summary>Moves the clock forward by <paramref name="by"/>, as if that much time had passed.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
