using Agora.Ordering.Domain;
using Agora.Ordering.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Agora.Ordering.Features.Saga;

/// <summary>
/// The saga's step timers as rows it owns (<c>saga_deadlines</c>, one per order not at an end): set and removed by
/// <see cref="OrderProcessor"/> in the transaction of the events that start or end a step, found and claimed by
/// <see cref="SagaDeadlinePoller"/>. The same SQL on SQLite and PostgreSQL.
/// </summary>
public static class SagaDeadlines
{
    /// <summary>Writes (or overwrites) the order's deadline, in the context's current transaction.</summary>
    public static Task SetAsync(OrderingDbContext db, string orderId, SagaStep step, int attempt, DateTimeOffset dueAt, CancellationToken ct)
    {
        var wire = step.Wire();
        var due = dueAt.UtcDateTime;
        return db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO saga_deadlines (order_id, step, attempt, due_at) VALUES ({orderId}, {wire}, {attempt}, {due})
            ON CONFLICT (order_id) DO UPDATE SET step = excluded.step, attempt = excluded.attempt, due_at = excluded.due_at
            """, ct);
    }

    /// <summary>Removes the order's deadline (the order reached its end), in the context's current transaction.</summary>
    public static Task RemoveAsync(OrderingDbContext db, string orderId, CancellationToken ct) =>
        db.Deadlines.Where(d => d.OrderId == orderId).ExecuteDeleteAsync(ct);

    /// <summary>Up to <paramref name="count"/> deadlines due at <paramref name="now"/>, the longest overdue first.</summary>
    public static Task<List<SagaDeadline>> DueAsync(OrderingDbContext db, DateTimeOffset now, int count, CancellationToken ct)
    {
        var at = now.UtcDateTime;
        return db.Deadlines.AsNoTracking().Where(d => d.DueAt <= at).OrderBy(d => d.DueAt).ThenBy(d => d.OrderId).Take(count).ToListAsync(ct);
    }

    /// <summary>
    /// Claims a due deadline for one poller: moves it to <paramref name="retryAt"/> if it is still this step and
    /// attempt and still due at <paramref name="now"/>. One statement, so of two pollers (two replicas) only one
    /// claims it: PostgreSQL re-checks the condition on the row the first one updated, SQLite has one writer. A poller
    /// that dies after its claim leaves the deadline to fire again at <paramref name="retryAt"/>.
    /// </summary>
    public static async Task<bool> ClaimAsync(OrderingDbContext db, SagaDeadline deadline, DateTimeOffset now, DateTimeOffset retryAt, CancellationToken ct)
    {
        var (at, retry) = (now.UtcDateTime, retryAt.UtcDateTime);
        return await db.Deadlines
            .Where(d => d.OrderId == deadline.OrderId && d.Step == deadline.Step && d.Attempt == deadline.Attempt && d.DueAt <= at)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.DueAt, retry), ct) == 1;
    }

    /// <summary>Removes the deadline if it still is this step and attempt (one the saga has moved past, or of an unknown order).</summary>
    public static Task RemoveStaleAsync(OrderingDbContext db, SagaDeadline deadline, CancellationToken ct) =>
        db.Deadlines.Where(d => d.OrderId == deadline.OrderId && d.Step == deadline.Step && d.Attempt == deadline.Attempt).ExecuteDeleteAsync(ct);

    /// <summary>The step a stored deadline names (its wire name), or null for one this version does not know.</summary>
    public static SagaStep? StepOf(SagaDeadline deadline) =>
        Enum.GetValues<SagaStep>().Cast<SagaStep?>().FirstOrDefault(s => s!.Value.Wire() == deadline.Step);
}
