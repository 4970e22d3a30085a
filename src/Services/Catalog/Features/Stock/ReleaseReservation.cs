namespace Agora.Catalog.Features.Stock;

/// <summary><c>POST /api/v1/reservations/{id}/release</c>: returns the reserved stock (idempotent).</summary>
internal static class ReleaseReservation
{
    public static async Task<Results<ApiOk<ReservationDto>, ApiError>> Handle(string id, StockLedger ledger, CancellationToken ct) =>
        ReservationResults.ToResult(id, await ledger.ReleaseAsync(id, ct));
}
