using Agora.Contracts.Orders;
using Wolverine.Attributes;

namespace Agora.Catalog.Features.Stock;

/// <summary>
/// The order saga's stock step (docs/architecture.md §5): Ordering asks over the bus, Catalog answers over the bus. The
/// reservation id is the order id, so a repeated command finds the same reservation and answers the same again.
/// </summary>
// The ledger / processor commits through its own outbox transaction (events, rows and outgoing messages together);
// Wolverine's automatic EF transaction around the handler would nest a second one.
[NonTransactional]
public static partial class OrderStockHandler
{
    public static async Task<object> Handle(ReserveStockForOrder command, StockLedger ledger, TimeProvider clock, ILogger<StockLedger> logger, CancellationToken ct)
    {
        var problems = Validate(command);
        if (problems is not null)
        {
            return new StockReservationRejected(Guid.NewGuid(), clock.GetUtcNow(), command.OrderId, "invalid request", problems);
        }

        var hold = command.Hold > TimeSpan.Zero ? command.Hold : (TimeSpan?)null;
        var result = await ledger.ReserveAsync(command.OrderId, command.Lines.Select(l => (l.ProductId, l.Quantity)).ToList(), hold, ct);
        var now = clock.GetUtcNow();
        switch (result.Outcome)
        {
            case StockOutcome.Done or StockOutcome.AlreadyDone
                when result.Reservation!.Status is ReservationStatus.Active or ReservationStatus.Committed:
                return new StockReservedForOrder(Guid.NewGuid(), now, command.OrderId, new DateTimeOffset(result.Reservation.ExpiresAt, TimeSpan.Zero));
            case StockOutcome.InsufficientStock:
                return new StockReservationRejected(Guid.NewGuid(), now, command.OrderId, "insufficient stock", result.Problems);
            case StockOutcome.UnknownProducts:
                return new StockReservationRejected(Guid.NewGuid(), now, command.OrderId, "unknown products", result.Problems);
            default:
                // Released or expired already (the saga gave up before this command arrived), or other lines under the same id.
                LogReservationRefused(logger, command.OrderId, result.Outcome, result.Reservation?.Status);
                return new StockReservationRejected(Guid.NewGuid(), now, command.OrderId,
                    "reservation " + (result.Reservation?.Status.ToString().ToLowerInvariant() ?? "conflict"), []);
        }
    }

    public static async Task<StockReleasedForOrder> Handle(ReleaseStockForOrder command, StockLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        // A release may overtake its reserve (the saga timed out and compensated while the reserve was in flight):
        // the ledger then leaves a released marker, so the late reserve is refused instead of holding stock.
        await ledger.ReleaseOrTombstoneAsync(command.OrderId, ct);
        return new StockReleasedForOrder(Guid.NewGuid(), clock.GetUtcNow(), command.OrderId);
    }

    public static async Task<StockCommittedForOrder?> Handle(CommitStockForOrder command, StockLedger ledger, TimeProvider clock, ILogger<StockLedger> logger, CancellationToken ct)
    {
        var result = await ledger.CommitAsync(command.OrderId, ct);
        if (result.Outcome is StockOutcome.Done or StockOutcome.AlreadyDone)
        {
            return new StockCommittedForOrder(Guid.NewGuid(), clock.GetUtcNow(), command.OrderId);
        }

        // Expired, released or unknown: there is nothing to sell. No answer; the saga's step times out and compensates.
        LogCommitRefused(logger, command.OrderId, result.Outcome);
        return null;
    }

    private static List<string>? Validate(ReserveStockForOrder command)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(command.OrderId) || command.OrderId.Length > StockLedger.MaxReservationIdLength)
        {
            problems.Add("order_id");
        }

        if (command.Lines is not { Count: > 0 and <= StockLedger.MaxLines })
        {
            problems.Add("lines");
        }
        else
        {
            problems.AddRange(command.Lines.Where(l => string.IsNullOrWhiteSpace(l.ProductId) || l.Quantity is <= 0 or > StockLedger.MaxQuantity)
                .Select(l => l.ProductId ?? ""));
        }

        return problems.Count == 0 ? null : problems;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stock for order {OrderId} not reserved: {Outcome} (reservation {Status})")]
    private static partial void LogReservationRefused(ILogger logger, string orderId, StockOutcome outcome, ReservationStatus? status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stock for order {OrderId} not committed: {Outcome}")]
    private static partial void LogCommitRefused(ILogger logger, string orderId, StockOutcome outcome);
}
