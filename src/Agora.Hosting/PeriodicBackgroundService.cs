using Microsoft.Extensions.Hosting;

namespace Agora.Hosting;

/// <summary>
/// A background job that runs one step at every tick of a <see cref="PeriodicTimer"/> on the service's
/// <see cref="TimeProvider"/> (so tests drive it with a fake clock): a failed step is reported through
/// <see cref="OnStepFailed"/> and retried at the next tick, and the loop ends quietly when the host stops.
/// </summary>
public abstract class PeriodicBackgroundService(TimeProvider clock) : BackgroundService
{
    /// <summary>The clock the timer runs on, for the step's own sense of "now".</summary>
    protected TimeProvider Clock { get; } = clock;

    /// <summary>How long between two steps; read once, when the service starts.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>One step of the job.</summary>
    protected abstract Task RunStepAsync(CancellationToken ct);

    /// <summary>Logs a failed step (with the service's own event id); the loop goes on at the next tick.</summary>
    protected abstract void OnStepFailed(Exception exception);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RunEveryAsync(Interval, Clock, RunStepAsync, OnStepFailed, stoppingToken);

    /// <summary>
    /// The loop itself, for a service that runs several timers at once: <paramref name="step"/> every
    /// <paramref name="interval"/> until <paramref name="stoppingToken"/> fires; a step's exception (other than a
    /// cancellation) goes to <paramref name="onFailed"/> and the next tick runs it again.
    /// </summary>
    public static async Task RunEveryAsync(
        TimeSpan interval, TimeProvider clock, Func<CancellationToken, Task> step, Action<Exception> onFailed, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.NextTickOrStopAsync(stoppingToken))
        {
            try
            {
                await step(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                onFailed(ex);
            }
        }
    }
}
