using Agora.Contracts.Events;
using Wolverine.EntityFrameworkCore;

namespace Agora.Catalog.Features.Stock;

public enum StockOutcome
{
    Done,
    AlreadyDone,
    NotFound,
    UnknownProducts,
    InsufficientStock,
    Conflict,
    Expired,
}

/// <summary>What a stock operation did. <see cref="Problems"/> names the products that stopped it.</summary>
public sealed record StockResult(StockOutcome Outcome, Reservation? Reservation, IReadOnlyList<string> Problems)
{
    public static StockResult Of(StockOutcome outcome, Reservation? reservation = null) => new(outcome, reservation, []);
}

/// <summary>
/// Reservations against stock. Every change is one conditional UPDATE (<c>available &gt;= n</c>) inside one
/// transaction with the reservation row and the <c>StockChanged</c> events, so stock is never oversold or negative
/// however many requests race, on SQLite and on PostgreSQL, and a retried call changes nothing twice. Once a change has
/// committed, the changed products leave the product caches (their availability is part of the product resource).
/// </summary>
public sealed class StockLedger(IDbContextOutbox<CatalogDbContext> outbox, Products.ProductCache products, TimeProvider clock, IOptions<CatalogOptions> options)
{
    public const int MaxLines = 100;
    public const int MaxQuantity = 10_000;

    /// <summary>Longest reservation id (the column's length).</summary>
    public const int MaxReservationIdLength = 100;

    public async Task<StockResult> ReserveAsync(
        string reservationId, IReadOnlyList<(string ProductId, int Quantity)> lines, TimeSpan? ttl, CancellationToken ct)
    {
        var db = outbox.DbContext;
        var wanted = lines.GroupBy(l => l.ProductId, StringComparer.Ordinal)
            .Select(g => (ProductId: g.Key, Quantity: g.Sum(l => l.Quantity)))
            .OrderBy(l => l.ProductId, StringComparer.Ordinal) // one lock order for every caller
            .ToList();

        var existing = await db.Reservations.AsNoTracking().Include(r => r.Lines).FirstOrDefaultAsync(r => r.Id == reservationId, ct);
        if (existing is not null)
        {
            return SameLines(existing, wanted) ? StockResult.Of(StockOutcome.AlreadyDone, existing) : StockResult.Of(StockOutcome.Conflict, existing);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var (productId, quantity) in wanted)
        {
            var updated = await db.Inventory
                .Where(i => i.ProductId == productId && i.Available >= quantity)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.Available, i => i.Available - quantity)
                    .SetProperty(i => i.Reserved, i => i.Reserved + quantity)
                    .SetProperty(i => i.UpdatedAt, now), ct);
            if (updated == 0)
            {
                await tx.RollbackAsync(ct);
                var known = await db.Inventory.AsNoTracking().Where(i => wanted.Select(w => w.ProductId).Contains(i.ProductId))
                    .ToDictionaryAsync(i => i.ProductId, i => i.Available, ct);
                var unknown = wanted.Where(w => !known.ContainsKey(w.ProductId)).Select(w => w.ProductId).ToList();
                return unknown.Count > 0
                    ? new StockResult(StockOutcome.UnknownProducts, null, unknown)
                    : new StockResult(StockOutcome.InsufficientStock, null,
                        wanted.Where(w => known[w.ProductId] < w.Quantity).Select(w => w.ProductId).ToList());
            }
        }

        var reservation = new Reservation
        {
            Id = reservationId,
            Status = ReservationStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now + (ttl ?? options.Value.DefaultReservationTtl),
            Lines = wanted.Select(w => new ReservationLine { ReservationId = reservationId, ProductId = w.ProductId, Quantity = w.Quantity }).ToList(),
        };
        db.Reservations.Add(reservation);
        await PublishStockChangedAsync(wanted.Select(w => w.ProductId), "reserved", ct);
        try
        {
            await outbox.SaveChangesAndFlushMessagesAsync(ct);
        }
        catch (DbUpdateException ex) when (Agora.Storage.DbErrors.IsUniqueViolation(ex))
        {
            // The same reservation id raced in from another request and won: report what it holds.
            db.ChangeTracker.Clear();
            var winner = await db.Reservations.AsNoTracking().Include(r => r.Lines).FirstAsync(r => r.Id == reservationId, ct);
            return SameLines(winner, wanted) ? StockResult.Of(StockOutcome.AlreadyDone, winner) : StockResult.Of(StockOutcome.Conflict, winner);
        }

        await products.InvalidateAsync(wanted.Select(w => w.ProductId), CancellationToken.None);
        return StockResult.Of(StockOutcome.Done, reservation);
    }

    /// <summary>Returns the stock. Releasing a released or expired reservation is a no-op.</summary>
    public Task<StockResult> ReleaseAsync(string reservationId, CancellationToken ct) =>
        SettleAsync(reservationId, ReservationStatus.Released, ct);

    /// <summary>
    /// Releases the reservation, or, if none exists yet under this id, records it as released with no lines, so a
    /// reserve that arrives later (it was overtaken by its own compensation) is refused instead of holding stock.
    /// </summary>
    public async Task<StockResult> ReleaseOrTombstoneAsync(string reservationId, CancellationToken ct)
    {
        var result = await ReleaseAsync(reservationId, ct);
        if (result.Outcome != StockOutcome.NotFound)
        {
            return result;
        }

        var db = outbox.DbContext;
        var now = clock.GetUtcNow().UtcDateTime;
        db.Reservations.Add(new Reservation { Id = reservationId, Status = ReservationStatus.Released, CreatedAt = now, UpdatedAt = now, ExpiresAt = now });
        try
        {
            await outbox.SaveChangesAndFlushMessagesAsync(ct);
            return StockResult.Of(StockOutcome.Done);
        }
        catch (DbUpdateException ex) when (Agora.Storage.DbErrors.IsUniqueViolation(ex))
        {
            // The reserve won the race after all: release what it holds.
            db.ChangeTracker.Clear();
            return await ReleaseAsync(reservationId, ct);
        }
    }

    /// <summary>Turns reserved stock into sold stock.</summary>
    public Task<StockResult> CommitAsync(string reservationId, CancellationToken ct) =>
        SettleAsync(reservationId, ReservationStatus.Committed, ct);

    /// <summary>Releases every active reservation past its expiry; returns how many.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await outbox.DbContext.Reservations.AsNoTracking()
            .Where(r => r.Status == ReservationStatus.Active && r.ExpiresAt <= now)
            .OrderBy(r => r.ExpiresAt).Select(r => r.Id).Take(200).ToListAsync(ct);
        var expired = 0;
        foreach (var id in due)
        {
            outbox.DbContext.ChangeTracker.Clear();
            if ((await SettleAsync(id, ReservationStatus.Expired, ct)).Outcome == StockOutcome.Done)
            {
                expired++;
            }
        }

        return expired;
    }

    private async Task<StockResult> SettleAsync(string reservationId, ReservationStatus to, CancellationToken ct)
    {
        var db = outbox.DbContext;
        var reservation = await db.Reservations.AsNoTracking().Include(r => r.Lines).FirstOrDefaultAsync(r => r.Id == reservationId, ct);
        if (reservation is null)
        {
            return StockResult.Of(StockOutcome.NotFound);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (reservation.Status != ReservationStatus.Active)
        {
            // Idempotent: the same settlement again is fine; releasing what already went back is fine too.
            var same = reservation.Status == to
                || (to == ReservationStatus.Released && reservation.Status == ReservationStatus.Expired);
            return StockResult.Of(same ? StockOutcome.AlreadyDone
                : reservation.Status == ReservationStatus.Expired ? StockOutcome.Expired : StockOutcome.Conflict, reservation);
        }

        if (to == ReservationStatus.Committed && reservation.ExpiresAt <= now)
        {
            return StockResult.Of(StockOutcome.Expired, reservation);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.Reservations
            .Where(r => r.Id == reservationId && r.Status == ReservationStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, to).SetProperty(r => r.UpdatedAt, now), ct);
        if (claimed == 0)
        {
            // Another request settled it between our read and our update.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return await SettleAsync(reservationId, to, ct);
        }

        foreach (var line in reservation.Lines.OrderBy(l => l.ProductId, StringComparer.Ordinal))
        {
            var q = line.Quantity;
            if (to == ReservationStatus.Committed)
            {
                await db.Inventory.Where(i => i.ProductId == line.ProductId).ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.Reserved, i => i.Reserved - q)
                    .SetProperty(i => i.UpdatedAt, now), ct);
            }
            else
            {
                await db.Inventory.Where(i => i.ProductId == line.ProductId).ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.Reserved, i => i.Reserved - q)
                    .SetProperty(i => i.Available, i => i.Available + q)
                    .SetProperty(i => i.UpdatedAt, now), ct);
            }
        }

        var reason = to switch
        {
            ReservationStatus.Committed => "committed",
            ReservationStatus.Expired => "expired",
            _ => "released",
        };
        await PublishStockChangedAsync(reservation.Lines.Select(l => l.ProductId), reason, ct);
        await outbox.SaveChangesAndFlushMessagesAsync(ct);
        await products.InvalidateAsync(reservation.Lines.Select(l => l.ProductId), CancellationToken.None);
        reservation.Status = to;
        reservation.UpdatedAt = now;
        return StockResult.Of(StockOutcome.Done, reservation);
    }

    /// <summary>Sets a product's available stock (a stock count, a delivery); reserved stock is untouched.</summary>
    public async Task<Infrastructure.Inventory?> SetAvailableAsync(string productId, int available, CancellationToken ct)
    {
        var db = outbox.DbContext;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var updated = await db.Inventory.Where(i => i.ProductId == productId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Available, available).SetProperty(i => i.UpdatedAt, now), ct);
        if (updated == 0)
        {
            return null;
        }

        await PublishStockChangedAsync([productId], "adjusted", ct);
        await outbox.SaveChangesAndFlushMessagesAsync(ct);
        await products.InvalidateAsync([productId], CancellationToken.None);
        return await db.Inventory.AsNoTracking().FirstAsync(i => i.ProductId == productId, ct);
    }

    private async Task PublishStockChangedAsync(IEnumerable<string> productIds, string reason, CancellationToken ct)
    {
        var ids = productIds.Distinct().ToList();
        var rows = await outbox.DbContext.Inventory.AsNoTracking().Where(i => ids.Contains(i.ProductId)).ToListAsync(ct);
        var at = clock.GetUtcNow();
        foreach (var row in rows)
        {
            await outbox.PublishAsync(new StockChanged(Guid.CreateVersion7(), at, row.ProductId, row.Available, row.Reserved, reason));
        }
    }

    private static bool SameLines(Reservation r, List<(string ProductId, int Quantity)> wanted) =>
        r.Lines.Count == wanted.Count
        && r.Lines.OrderBy(l => l.ProductId, StringComparer.Ordinal).Select(l => (l.ProductId, l.Quantity)).SequenceEqual(wanted);
}
