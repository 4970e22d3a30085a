using Agora.Hosting;
using Agora.Ordering.Domain;
using Agora.Ordering.Infrastructure;
using Microsoft.Extensions.Options;

namespace Agora.Ordering.Features.Saga;

/// <summary>
/// Fires the saga's due step timers (<see cref="SagaDeadlines"/>): every <see cref="SagaOptions.DeadlinePollInterval"/>
/// it reads the due deadlines in small batches, claims each one (so two replicas never fire one twice) and decides it as
/// the <see cref="OrderStepTimedOut"/> handler does: retry the step, turn back, or give up for an operator, in the
/// transaction that also writes the next deadline. A deadline of a step or attempt the order has moved past changes
/// nothing and is removed. Each deadline is decided in a fresh scope; a lost race is decided again on fresh state.
/// </summary>
public sealed partial class SagaDeadlinePoller(
    IServiceScopeFactory scopes, TimeProvider clock, IOptions<SagaOptions> options, ILogger<SagaDeadlinePoller> logger)
    : PeriodicBackgroundService(clock)
{
    /// <summary>Deadlines read per query.</summary>
    public const int BatchSize = 50;

    private const int RacesRetried = 3;

    protected override TimeSpan Interval => options.Value.DeadlinePollInterval;

    protected override async Task RunStepAsync(CancellationToken ct)
    {
        int due;
        do
        {
            due = await FireDueAsync(ct);
        }
        while (due == BatchSize);
    }

    protected override void OnStepFailed(Exception exception) => LogPollFailed(logger, exception);

    /// <summary>One batch: fires up to <see cref="BatchSize"/> due deadlines; returns how many were due (claimed or not).</summary>
    public async Task<int> FireDueAsync(CancellationToken ct)
    {
        var now = Clock.GetUtcNow();
        List<SagaDeadline> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            due = await SagaDeadlines.DueAsync(scope.ServiceProvider.GetRequiredService<OrderingDbContext>(), now, BatchSize, ct);
        }

        foreach (var deadline in due)
        {
            await FireAsync(deadline, now, ct);
        }

        return due.Count;
    }

    private async Task FireAsync(SagaDeadline deadline, DateTimeOffset now, CancellationToken ct)
    {
        var step = SagaDeadlines.StepOf(deadline);
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
            if (!await SagaDeadlines.ClaimAsync(db, deadline, now, now + options.Value.DeadlineClaim, ct))
            {
                return; // another poller has it, or the saga moved on meanwhile
            }

            if (step is null)
            {
                LogUnknownStep(logger, deadline.OrderId, deadline.Step);
                await SagaDeadlines.RemoveStaleAsync(db, deadline, ct);
                return;
            }
        }

        var timeout = new OrderStepTimedOut(deadline.OrderId, step.Value, deadline.Attempt);
        for (var race = 1; ; race++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var processor = scope.ServiceProvider.GetRequiredService<OrderProcessor>();
            try
            {
                var decided = false;
                await processor.ApplyAsync(timeout.OrderId, order =>
                {
                    var events = OrderSaga.TimedOut(order, timeout, options.Value, processor.Now);
                    decided = events.Count > 0;
                    return events;
                }, ct);
                if (!decided)
                {
                    // The order moved past this step or attempt (its commit overwrote the deadline, so this removes
                    // nothing), or it is unknown or at its end with a deadline left over: nothing to fire.
                    await SagaDeadlines.RemoveStaleAsync(processor.Db, deadline, ct);
                }

                return;
            }
            catch (StreamConcurrencyException) when (race < RacesRetried)
            {
                // An answer committed first: decide again on the order as it is now.
            }
        }
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Warning, Message = "Saga deadline poll failed; retrying at the next tick")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Warning, Message = "Order {OrderId}: a saga deadline names an unknown step {Step}; removed")]
    private static partial void LogUnknownStep(ILogger logger, string orderId, string step);
}
