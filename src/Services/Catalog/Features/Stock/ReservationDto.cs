using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using Agora.Catalog.Features.Products;

namespace Agora.Catalog.Features.Stock;

public sealed record ReservationLineDto(
    [property: MaxLength(40), RegularExpression(IdPattern.Any)] string ProductId,
    [property: Range(1, StockLedger.MaxQuantity)] int Quantity);

public sealed record ReservationDto(
    [property: MaxLength(128), RegularExpression(IdPattern.Any)] string Id,
    ReservationStatus Status,
    [property: MaxLength(StockLedger.MaxLines)] IReadOnlyList<ReservationLineDto> Lines,
    DateTime CreatedAt,
    DateTime ExpiresAt,
    DateTime UpdatedAt)
{
    public static ReservationDto From(Reservation r) =>
        new(r.Id, r.Status, r.Lines.OrderBy(l => l.ProductId, StringComparer.Ordinal).Select(l => new ReservationLineDto(l.ProductId, l.Quantity)).ToList(),
            r.CreatedAt, r.ExpiresAt, r.UpdatedAt);
}

/// <summary>
/// <c>POST /api/v1/reservations</c>: <c>id</c> is optional; give one (such as an order id) to make the call
/// idempotent: the same id and lines again return the first reservation.
/// </summary>
public sealed record ReserveInput(
    [property: MaxLength(100), RegularExpression(IdPattern.Any), ApiOptional] string? Id,
    [property: MinLength(1), MaxLength(StockLedger.MaxLines)] IReadOnlyList<ReservationLineDto>? Lines,
    [property: Range(1, int.MaxValue), ApiOptional,
        Description("Seconds until unconfirmed stock returns: at most Catalog:MaxReservationTtl (24 hours by default); default Catalog:DefaultReservationTtl (15 minutes).")]
    int? TtlSeconds);

/// <summary>How the reservation operations answer a ledger outcome.</summary>
internal static class ReservationResults
{
    public static Results<ApiOk<ReservationDto>, ApiError> ToResult(string id, StockResult result) => result.Outcome switch
    {
        StockOutcome.Done or StockOutcome.AlreadyDone => ApiResults.Ok(ReservationDto.From(result.Reservation!)),
        StockOutcome.NotFound => ReservationNotFound(id),
        StockOutcome.Expired => ApiResults.Conflict("RESERVATION_EXPIRED", "The reservation expired; its stock went back."),
        _ => ApiResults.Conflict("RESERVATION_SETTLED", $"The reservation is already {result.Reservation!.Status.ToString().ToLowerInvariant()}."),
    };

    public static ApiError ReservationNotFound(string id) =>
        ApiResults.NotFound("RESERVATION_NOT_FOUND", $"Reservation '{Products.ProductErrors.Truncate(id)}' does not exist.");
}
