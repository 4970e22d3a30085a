namespace Agora.Catalog.Features.Stock;

/// <summary><c>GET /api/v1/reservations/{id}</c>: one reservation with its status and lines.</summary>
internal static class GetReservation
{
    public static async Task<Results<ApiOk<ReservationDto>, ApiError>> Handle(string id, CatalogDbContext db, CancellationToken ct)
    {
        var r = await db.Reservations.AsNoTracking().Include(x => x.Lines).FirstOrDefaultAsync(x => x.Id == id, ct);
        return r is null ? ReservationResults.ReservationNotFound(id) : ApiResults.Ok(ReservationDto.From(r));
    }
}
