namespace Agora.Catalog.Features.Stock;

/// <summary><c>POST /api/v1/reservations/{id}/commit</c>: turns the reserved stock into a sale (idempotent).</summary>
internal static class CommitReservation
{
    public static async Task<Results<ApiOk<ReservationDto>, ApiError>> Handle(string id, StockLedger ledger, CancellationToken ct) =>
        ReservationResults.ToResult(id, await ledger.CommitAsync(id, ct));
}
