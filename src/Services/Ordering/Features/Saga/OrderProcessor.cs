using Agora.Http;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Orders;
using Agora.Ordering.Infrastructure;
using Agora.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.EntityFrameworkCore;

namespace Agora.Ordering.Features.Saga;

/// <summary>
/// Loads an order from its events, lets the saga's rules decide, and commits in ONE transaction: the new events
/// (optimistic concurrency on the stream version), the read models, the integration events, the next step's command
/// (Wolverine's transactional outbox in Ordering's database) and the step's deadline (<c>saga_deadlines</c>). A crash
/// at any point leaves either all of it or none; a lost race throws <see cref="StreamConcurrencyException"/> and the caller (Wolverine's retry, or the
/// HTTP endpoint) decides again on fresh state — with a new processor (a new scope): this one's outbox still holds the
/// lost decision's messages.
/// </summary>
public sealed partial class OrderProcessor(
    IDbContextOutbox<OrderingDbContext> outbox, TimeProvider clock, IOptions<SagaOptions> options, ILogger<OrderProcessor> logger)
{
    public OrderingDbContext Db => outbox.DbContext;

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<OrderState?> LoadAsync(string orderId, CancellationToken ct) =>
        OrderState.Fold((await new EventStore(Db).ReadStreamAsync(orderId, ct: ct)).Select(e => e.Event));

    /// <summary>Applies what <paramref name="decide"/> says to the stored order; null if the order does not exist.</summary>
    public async Task<OrderState?> ApplyAsync(string orderId, Func<OrderState, IReadOnlyList<IOrderEvent>> decide, CancellationToken ct)
    {
        // PostgreSQL: the stream is read in the transaction that commits the decision (one transaction and one pooled
        // connection per message instead of two; the stream version still guards the append, as before). SQLite reads
        // outside it: a transaction that reads and then writes cannot take the write lock once another writer has
        // committed since its read, and would fail instead of waiting.
        if (Db.Database.CurrentTransaction is null && !Db.Database.IsSqlite())
        {
            await Db.Database.BeginTransactionAsync(ct);
        }

        var order = await LoadAsync(orderId, ct);
        if (order is null)
        {
            LogUnknownOrder(logger, orderId);
            await EndReadAsync(ct);
            return null;
        }

        var events = decide(order);
        if (events.Count == 0)
        {
            await EndReadAsync(ct);
            return order; // late, repeated or not for this step: nothing changes
        }

        await CommitAsync(order, events, ct);
        return order;
    }

    /// <summary>Commits <paramref name="events"/> on top of <paramref name="order"/> (a fresh <see cref="OrderState"/> for a new order).</summary>
    public async Task CommitAsync(OrderState order, IReadOnlyList<IOrderEvent> events, CancellationToken ct, Action<OrderingDbContext>? alsoSave = null)
    {
        var expected = order.Version;
        var isNew = expected == 0;
        var (step, attempt) = (order.Step, order.Attempt);
        var all = new List<IOrderEvent>(events.Count + 1);
        var announcements = new List<object>();
        foreach (var e in events)
        {
            Add(e);
        }

        if (order.Compensating && order.Step == SagaStep.Cancelled && order.Status != OrderStatus.Cancelled)
        {
            Add(new OrderEvent.Cancelled(Now, order.Reason ?? "cancelled"));
        }

        new EventStore(Db).Append(order.Id, expected, all, CorrelationContext.CorrelationId);
        await OrderProjection.ProjectAsync(Db, order, ct);
        alsoSave?.Invoke(Db);
        foreach (var message in announcements)
        {
            await outbox.PublishAsync(message);
        }

        // The step's timer is the order's row in saga_deadlines (SagaDeadlinePoller fires it), written in this
        // transaction: a new step or attempt overwrites it, an order at its end has none. It is written after the
        // events, so of two racing commits the loser fails on the stream version before it touches (and waits for)
        // the deadline row; SaveChangesAndFlushMessagesAsync then commits the whole transaction.
        Func<Task>? deadline = null;
        if ((isNew || order.Step != step || order.Attempt != attempt) && OrderSaga.CommandFor(order, options.Value, Now) is { } command)
        {
            await outbox.PublishAsync(command);
            var (id, next, tries, due) = (order.Id, order.Step, order.Attempt, Now + options.Value.TimeoutFor(order.Step, order.Attempt));
            deadline = () => SagaDeadlines.SetAsync(Db, id, next, tries, due, ct);
            LogStep(logger, order.Id, order.Step.Wire(), order.Attempt);
        }
        else if (order.Step.IsTerminal() && !step.IsTerminal())
        {
            var id = order.Id;
            deadline = () => SagaDeadlines.RemoveAsync(Db, id, ct);
        }

        try
        {
            if (deadline is not null)
            {
                await BeginAsync(ct);
                await Db.SaveChangesAsync(ct);
                await deadline();
            }

            await outbox.SaveChangesAndFlushMessagesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            Db.ChangeTracker.Clear();
            if (Db.Database.CurrentTransaction is not null)
            {
                // Now, not when the scope ends: on SQLite the failed transaction holds the file's write lock, which the
                // retry (in a new scope) needs.
                await Db.Database.RollbackTransactionAsync(CancellationToken.None);
            }

            throw new StreamConcurrencyException(order.Id, expected);
        }

        void Add(IOrderEvent e)
        {
            order.Apply(e);
            all.Add(e);
            if (OrderSaga.Announce(order, e) is { } announcement)
            {
                announcements.Add(announcement);
            }
        }
    }

    /// <summary>Ends a transaction that only read (nothing to commit; the connection goes back to the pool).</summary>
    private async Task EndReadAsync(CancellationToken ct)
    {
        if (Db.Database.CurrentTransaction is not null)
        {
            await Db.Database.CommitTransactionAsync(ct);
        }
    }

    /// <summary>
    /// The transaction the events and the deadline share, unless the outbox has begun it already. On SQLite it is
    /// deferred (as EF's own SaveChanges transaction): it takes the file's write lock at its first write, not at BEGIN,
    /// so it never holds the lock while nothing is written yet.
    /// </summary>
    private async Task BeginAsync(CancellationToken ct)
    {
        if (Db.Database.CurrentTransaction is not null)
        {
            return;
        }

        if (Db.Database.IsSqlite())
        {
            await Db.Database.OpenConnectionAsync(ct);
            var sqlite = (Microsoft.Data.Sqlite.SqliteConnection)Db.Database.GetDbConnection();
            await Db.Database.UseTransactionAsync(sqlite.BeginTransaction(deferred: true), ct);
        }
        else
        {
            await Db.Database.BeginTransactionAsync(ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A saga message names order {OrderId}, which does not exist here; ignored")]
    private static partial void LogUnknownOrder(ILogger logger, string orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: saga step {Step}, attempt {Attempt}")]
    private static partial void LogStep(ILogger logger, string orderId, string step, int attempt);
}
