namespace Agora.Gateway.Features.Resilience;

/// <summary>The states of the guide §6.5.</summary>
public enum CircuitState
{
    /// <summary>Calls flow; outcomes are counted.</summary>
    Closed,

    /// <summary>Calls fail fast with 503 until the break ends.</summary>
    Open,

    /// <summary>A few trial calls decide: all succeed, closed; one fails, open again.</summary>
    HalfOpen,
}

/// <summary>What one call through the breaker said about the service.</summary>
public enum CallOutcome
{
    /// <summary>An answer below 500.</summary>
    Success,

    /// <summary>A 5xx of the service's own, a per-try timeout, or a connection that broke mid-call.</summary>
    Failure,

    /// <summary>A 5xx the service marked as its dependency's (<c>X-Agora-Dependency-Failure</c>): the service itself answered.</summary>
    DependencyFailure,

    /// <summary>No connection could be made: nothing listens (yet). Fails fast by itself; not counted in the closed state.</summary>
    NotListening,
}

/// <summary>
/// One breaker (a cluster's, or a route's own: route metadata <c>Resilience.Breaker</c>), count-based as in the seed (Resilience4j's numbers): it opens when at least
/// <see cref="GatewayResilienceOptions.BreakerFailureRatio"/> of the last <see cref="GatewayResilienceOptions.BreakerWindow"/>
/// calls failed, once <see cref="GatewayResilienceOptions.BreakerMinimumCalls"/> were made; stays open for
/// <see cref="GatewayResilienceOptions.BreakDuration"/>; then lets <see cref="GatewayResilienceOptions.BreakerTrialCalls"/>
/// trial calls through. Polly's breaker counts over a time window instead, hence this small one.
/// </summary>
internal sealed class CircuitBreaker(TimeProvider clock)
{
    private readonly Lock _lock = new();
    private bool[] _window = new bool[10];
    private int _next;
    private int _calls;
    private int _failures;
    private DateTimeOffset _openUntil;
    private int _trialsStarted;
    private int _trialsSucceeded;

    /// <summary>The current state (an open breaker whose break has ended reads as half-open).</summary>
    public CircuitState State
    {
        get
        {
            lock (_lock)
            {
                return Current();
            }
        }
    }

    private CircuitState _state = CircuitState.Closed;

    /// <summary>How long until trial calls are allowed (for <c>Retry-After</c>).</summary>
    public TimeSpan RetryAfter
    {
        get
        {
            lock (_lock)
            {
                var left = _openUntil - clock.GetUtcNow();
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }
    }

    /// <summary>Asks to make one call. False: fail fast. <paramref name="trial"/>: the call is a half-open trial.</summary>
    public bool TryAcquire(GatewayResilienceOptions options, out bool trial)
    {
        lock (_lock)
        {
            trial = false;
            switch (Current())
            {
                case CircuitState.Closed:
                    return true;
                case CircuitState.Open:
                    return false;
                default:
                    if (_state == CircuitState.Open)
                    {
                        _state = CircuitState.HalfOpen;
                        _trialsStarted = 0;
                        _trialsSucceeded = 0;
                    }

                    if (_trialsStarted >= options.BreakerTrialCalls)
                    {
                        return false;
                    }

                    _trialsStarted++;
                    trial = true;
                    return true;
            }
        }
    }

    /// <summary>Records a call's outcome; returns the state change it caused, if any.</summary>
    public CircuitState? Record(CallOutcome outcome, bool trial, GatewayResilienceOptions options)
    {
        lock (_lock)
        {
            if (trial)
            {
                if (_state != CircuitState.HalfOpen)
                {
                    return null;
                }

                return Answered(outcome) ? TrialSucceeded(options) : Open(options);
            }

            if (_state != CircuitState.Closed || outcome is CallOutcome.DependencyFailure or CallOutcome.NotListening)
            {
                // A call started before the breaker opened (its outcome no longer matters), or one that says nothing
                // about the service's health: its dependency failed, or nothing listens yet (a refused connection costs
                // no one a wait, which is what a breaker saves).
                return null;
            }

            var failed = outcome == CallOutcome.Failure;
            if (_window.Length != options.BreakerWindow)
            {
                Close(options);
            }

            if (_calls == _window.Length)
            {
                if (_window[_next])
                {
                    _failures--;
                }
            }
            else
            {
                _calls++;
            }

            _window[_next] = failed;
            if (failed)
            {
                _failures++;
            }

            _next = (_next + 1) % _window.Length;
            return _calls >= options.BreakerMinimumCalls && _failures >= options.BreakerFailureRatio * _calls ? Open(options) : null;
        }
    }

    /// <summary>
    /// Records the outcome of a call let through although the breaker refused it (a retry carrying an
    /// <c>Idempotency-Key</c>): an answer from the service counts as a successful trial, so the break ends as soon as
    /// the service answers; a failure changes nothing (the breaker is open already).
    /// </summary>
    public CircuitState? RecordBypass(CallOutcome outcome, GatewayResilienceOptions options)
    {
        lock (_lock)
        {
            if (!Answered(outcome) || _state == CircuitState.Closed)
            {
                return null;
            }

            if (_state == CircuitState.Open)
            {
                _state = CircuitState.HalfOpen;
                _trialsStarted = 0;
                _trialsSucceeded = 0;
            }

            return TrialSucceeded(options) ?? CircuitState.HalfOpen;
        }
    }

    /// <summary>A call that ended without an outcome (the client left): a trial's slot is given back.</summary>
    public void Abandon(bool trial)
    {
        lock (_lock)
        {
            if (trial && _state == CircuitState.HalfOpen && _trialsStarted > 0)
            {
                _trialsStarted--;
            }
        }
    }

    private CircuitState Current() =>
        _state == CircuitState.Open && clock.GetUtcNow() >= _openUntil ? CircuitState.HalfOpen : _state;

    private static bool Answered(CallOutcome outcome) => outcome is CallOutcome.Success or CallOutcome.DependencyFailure;

    private CircuitState? TrialSucceeded(GatewayResilienceOptions options)
    {
        if (++_trialsSucceeded < options.BreakerTrialCalls)
        {
            return null;
        }

        Close(options);
        return CircuitState.Closed;
    }

    private CircuitState Open(GatewayResilienceOptions options)
    {
        _state = CircuitState.Open;
        _openUntil = clock.GetUtcNow() + options.BreakDuration;
        return CircuitState.Open;
    }

    private void Close(GatewayResilienceOptions options)
    {
        _state = CircuitState.Closed;
        _window = new bool[options.BreakerWindow];
        _next = 0;
        _calls = 0;
        _failures = 0;
    }
}

/// <summary>
/// Retry budget per cluster (as in Linkerd and Finagle): every request deposits <see cref="GatewayResilienceOptions.RetryBudgetRatio"/>
/// of a retry, every retry withdraws one, and the balance never exceeds the floor plus what the ratio earned, so under a
/// failing backend retries add at most that fraction of load instead of multiplying it.
/// </summary>
internal sealed class RetryBudget
{
    private readonly Lock _lock = new();
    private double _balance = double.NaN;

    /// <summary>One request arrived.</summary>
    public void Deposit(GatewayResilienceOptions options)
    {
        lock (_lock)
        {
            if (double.IsNaN(_balance))
            {
                _balance = options.RetryBudgetMinimum;
            }

            _balance = Math.Min(_balance + options.RetryBudgetRatio, options.RetryBudgetMinimum + (options.RetryBudgetRatio * 100));
        }
    }

    /// <summary>Takes one retry from the budget; false when it is spent.</summary>
    public bool TryWithdraw()
    {
        lock (_lock)
        {
            if (_balance >= 1)
            {
                _balance--;
                return true;
            }

            return false;
        }
    }
}
