extern alias gateway;

using gateway::Agora.Gateway;
using gateway::Agora.Gateway.Features.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Gateway.Tests;

/// <summary>
/// The breaker's decisions on a fake clock (issue 17: breakers that isolate, not amplify): what counts as a failure, how
/// soon a break ends, and that an <c>Idempotency-Key</c>'d retry's answer ends it.
/// </summary>
public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
    private readonly GatewayResilienceOptions _options = new();

    private CircuitBreaker OpenBreaker()
    {
        var breaker = new CircuitBreaker(_clock);
        for (var i = 0; i < _options.BreakerMinimumCalls; i++)
        {
            Assert.True(breaker.TryAcquire(_options, out var trial));
            breaker.Record(CallOutcome.Failure, trial, _options);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
        return breaker;
    }

    [Fact]
    public void DependencyFailuresAndRefusedConnections_NeverOpenIt()
    {
        var breaker = new CircuitBreaker(_clock);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(breaker.TryAcquire(_options, out var trial));
            Assert.Null(breaker.Record(i % 2 == 0 ? CallOutcome.DependencyFailure : CallOutcome.NotListening, trial, _options));
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void Open_RefusesUntilTheShortBreakEnds_ThenTrialsThatSucceedCloseIt()
    {
        var breaker = OpenBreaker();
        Assert.False(breaker.TryAcquire(_options, out _));
        Assert.Equal(_options.BreakDuration, breaker.RetryAfter);

        _clock.Advance(_options.BreakDuration);
        for (var i = 0; i < _options.BreakerTrialCalls; i++)
        {
            Assert.True(breaker.TryAcquire(_options, out var trial));
            Assert.True(trial);
            breaker.Record(CallOutcome.Success, trial, _options);
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void TrialFails_OpenAgainForOneMoreBreak()
    {
        var breaker = OpenBreaker();
        _clock.Advance(_options.BreakDuration);
        Assert.True(breaker.TryAcquire(_options, out var trial));
        Assert.Equal(CircuitState.Open, breaker.Record(CallOutcome.NotListening, trial, _options));
        Assert.False(breaker.TryAcquire(_options, out _));
    }

    [Fact]
    public void IdempotencyKeyedCallAnswered_WhileOpen_EndsTheBreakAtOnce()
    {
        var breaker = OpenBreaker();

        // The keyed retry went through the open breaker (ResilienceHandler) and the service answered.
        Assert.Equal(CircuitState.HalfOpen, breaker.RecordBypass(CallOutcome.Success, _options));
        for (var i = 1; i < _options.BreakerTrialCalls; i++)
        {
            Assert.True(breaker.TryAcquire(_options, out var trial));
            breaker.Record(CallOutcome.Success, trial, _options);
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void IdempotencyKeyedCallFailed_WhileOpen_ChangesNothing()
    {
        var breaker = OpenBreaker();
        Assert.Null(breaker.RecordBypass(CallOutcome.Failure, _options));
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(_options.BreakDuration, breaker.RetryAfter);
    }

    /// <summary>
    /// Issue 17's target at the edge: a service SIGKILLed and restarted gets calls again within 10 s of its readiness.
    /// A client calls every 100 ms (fake time); the service fails from the kill until it is ready again 7.3 s later.
    /// </summary>
    [Theory]
    [InlineData(7.3)]
    [InlineData(31.05)]
    public void AfterARestart_CallsSucceedWithin10sOfReadiness(double readyAfterSeconds)
    {
        var breaker = new CircuitBreaker(_clock);
        var killed = _clock.GetUtcNow();
        var ready = killed + TimeSpan.FromSeconds(readyAfterSeconds);
        DateTimeOffset? firstSuccess = null;
        while (firstSuccess is null && _clock.GetUtcNow() < ready + TimeSpan.FromMinutes(1))
        {
            if (breaker.TryAcquire(_options, out var trial))
            {
                // Down: a per-try timeout or a 5xx (the worst case for the breaker: refused connections are not counted).
                var up = _clock.GetUtcNow() >= ready;
                breaker.Record(up ? CallOutcome.Success : CallOutcome.Failure, trial, _options);
                firstSuccess = up ? _clock.GetUtcNow() : null;
            }

            _clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.NotNull(firstSuccess);
        Assert.InRange((firstSuccess.Value - ready).TotalSeconds, 0, 10);
        Assert.InRange((firstSuccess.Value - ready).TotalSeconds, 0, _options.BreakDuration.TotalSeconds + 0.1);
    }
}
