using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Agora.Http;
using Agora.Catalog.Features.Products;
using Agora.Catalog.Infrastructure;
using Agora.Primitives;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Validator = Agora.Http.Validator;

namespace Agora.Catalog.Features.Stock;

public sealed record InventoryDto(
    [property: MaxLength(40), RegularExpression(IdPattern.Product)] string ProductId,
    [property: Range(0, int.MaxValue)] int Available,
    [property: Range(0, int.MaxValue)] int Reserved,
    DateTime UpdatedAt)
{
    public static InventoryDto From(Infrastructure.Inventory i) => new(i.ProductId, i.Available, i.Reserved, i.UpdatedAt);
}

public sealed record SetInventoryInput([property: Range(0, 1_000_000)] int? Available);

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

internal static class InventoryApi
{
    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder app)
    {
        var inventory = app.MapGroup("/api/v1/products/{id}/inventory").WithTags("Inventory");
        inventory.MapGet("/", GetInventory).WithName("GetInventory").WithSummary("Stock of a product")
            .WithDescription("Units available to reserve, and units held by active reservations.")
            .ProducesError(StatusCodes.Status404NotFound, "PRODUCT_NOT_FOUND");
        inventory.MapPut("/", SetInventory).WithName("SetInventory").WithSummary("Set a product's available stock")
            .WithDescription("Sets the units available to reserve (0–1000000), for example after a stock count; "
                + "reserved units are not touched.")
            .ProducesError(StatusCodes.Status404NotFound, "PRODUCT_NOT_FOUND")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError)
            .RequireAuthorization(CatalogPolicies.Stock);

        var reservations = app.MapGroup("/api/v1/reservations").WithTags("Reservations");
        reservations.MapPost("/", Reserve).WithName("CreateReservation").WithSummary("Reserve stock for one or more products, all or nothing")
            .WithDescription("Holds stock of every line, or of none: 409 INSUFFICIENT_STOCK names the short products, 422 "
                + "the unknown ones. Unconfirmed stock returns after ttl_seconds. Give an id (such as an order id) to make "
                + "the call idempotent: the same id and lines again answer 200 with the first reservation, other lines 409 RESERVATION_EXISTS.")
            .ProducesError(StatusCodes.Status409Conflict, "INSUFFICIENT_STOCK", "RESERVATION_EXISTS")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError)
            .RequireAuthorization(CatalogPolicies.Reserve);
        reservations.MapGet("/{id}", GetReservation).WithName("GetReservation").WithSummary("A reservation")
            .WithDescription("One reservation by id, with its status and lines.")
            .ProducesError(StatusCodes.Status404NotFound, "RESERVATION_NOT_FOUND");
        reservations.MapPost("/{id}/release", Release).WithName("ReleaseReservation").WithSummary("Return a reservation's stock")
            .WithDescription("Returns the reserved stock. Idempotent: releasing a released or expired reservation answers "
                + "it again; a committed one is 409 RESERVATION_SETTLED.")
            .ProducesError(StatusCodes.Status404NotFound, "RESERVATION_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "RESERVATION_SETTLED")
            .RequireAuthorization(CatalogPolicies.Reserve);
        reservations.MapPost("/{id}/commit", Commit).WithName("CommitReservation").WithSummary("Turn a reservation into a sale")
            .WithDescription("Turns the reserved stock into a sale. Idempotent: committing a committed reservation answers "
                + "it again; an expired one is 409 RESERVATION_EXPIRED, a released one 409 RESERVATION_SETTLED.")
            .ProducesError(StatusCodes.Status404NotFound, "RESERVATION_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "RESERVATION_EXPIRED", "RESERVATION_SETTLED")
            .RequireAuthorization(CatalogPolicies.Reserve);
        return app;
    }

    private static async Task<Results<ApiOk<InventoryDto>, ApiError>> GetInventory(string id, CatalogDbContext db, CancellationToken ct)
    {
        var row = await db.Inventory.AsNoTracking().FirstOrDefaultAsync(i => i.ProductId == id, ct);
        return row is null ? Products.ProductErrors.NotFound(id) : ApiResults.Ok(InventoryDto.From(row));
    }

    private static async Task<Results<ApiOk<InventoryDto>, ApiError>> SetInventory(
        string id, SetInventoryInput input, StockLedger ledger, CancellationToken ct)
    {
        if (input.Available is not (>= 0 and <= 1_000_000))
        {
            return ApiResults.Validation("available", "Required, between 0 and 1000000.");
        }

        var row = await ledger.SetAvailableAsync(id, input.Available.Value, ct);
        return row is null ? Products.ProductErrors.NotFound(id) : ApiResults.Ok(InventoryDto.From(row));
    }

    private static async Task<Results<ApiCreated<ReservationDto>, ApiOk<ReservationDto>, ApiError>> Reserve(
        ReserveInput input, StockLedger ledger, IOptions<CatalogOptions> options, CancellationToken ct)
    {
        var v = new Validator();
        v.Require(input.Id is null || (input.Id.Length <= StockLedger.MaxReservationIdLength && CorrelationContext.IsSane(input.Id)),
            "id", $"1–{StockLedger.MaxReservationIdLength} characters of [A-Za-z0-9-_.:].");
        v.Require(input.Lines is { Count: > 0 and <= StockLedger.MaxLines }, "lines", $"Between 1 and {StockLedger.MaxLines} lines.");
        for (var i = 0; input.Lines is not null && i < input.Lines.Count && i < StockLedger.MaxLines; i++)
        {
            var line = input.Lines[i];
            v.Require(line is not null && !string.IsNullOrWhiteSpace(line.ProductId), $"lines[{i}].product_id", "Required.");
            v.Require(line is not null && line.Quantity is > 0 and <= StockLedger.MaxQuantity, $"lines[{i}].quantity", $"Between 1 and {StockLedger.MaxQuantity}.");
        }

        var maxTtl = (int)options.Value.MaxReservationTtl.TotalSeconds;
        v.Require(input.TtlSeconds is null or (>= 1 and <= int.MaxValue) && (input.TtlSeconds ?? 0) <= maxTtl, "ttl_seconds", $"Between 1 and {maxTtl}.");
        if (!v.IsValid)
        {
            return v.ToError();
        }

        var id = input.Id ?? Ids.New("rsv");
        var ttl = input.TtlSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        var result = await ledger.ReserveAsync(id, input.Lines!.Select(l => (l.ProductId, l.Quantity)).ToList(), ttl, ct);
        return result.Outcome switch
        {
            StockOutcome.Done => ApiResults.Created($"/api/v1/reservations/{id}", ReservationDto.From(result.Reservation!)),
            StockOutcome.AlreadyDone => ApiResults.Ok(ReservationDto.From(result.Reservation!)),
            StockOutcome.Conflict => ApiResults.Conflict("RESERVATION_EXISTS", $"Reservation '{id}' exists with other lines."),
            StockOutcome.UnknownProducts => ApiResults.Error(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError,
                "Some products do not exist.", result.Problems.Select(p => new FieldError("lines.product_id", $"No product '{p}'.")).ToList()),
            _ => ApiResults.Error(StatusCodes.Status409Conflict, "INSUFFICIENT_STOCK", "Not enough stock; nothing was reserved.",
                result.Problems.Select(p => new FieldError("lines.product_id", $"Not enough stock of '{p}'.")).ToList()),
        };
    }

    private static async Task<Results<ApiOk<ReservationDto>, ApiError>> GetReservation(string id, CatalogDbContext db, CancellationToken ct)
    {
        var r = await db.Reservations.AsNoTracking().Include(x => x.Lines).FirstOrDefaultAsync(x => x.Id == id, ct);
        return r is null ? ReservationNotFound(id) : ApiResults.Ok(ReservationDto.From(r));
    }

    private static async Task<Results<ApiOk<ReservationDto>, ApiError>> Release(string id, StockLedger ledger, CancellationToken ct) =>
        ToResult(id, await ledger.ReleaseAsync(id, ct));

    private static async Task<Results<ApiOk<ReservationDto>, ApiError>> Commit(string id, StockLedger ledger, CancellationToken ct) =>
        ToResult(id, await ledger.CommitAsync(id, ct));

    private static Results<ApiOk<ReservationDto>, ApiError> ToResult(string id, StockResult result) => result.Outcome switch
    {
        StockOutcome.Done or StockOutcome.AlreadyDone => ApiResults.Ok(ReservationDto.From(result.Reservation!)),
        StockOutcome.NotFound => ReservationNotFound(id),
        StockOutcome.Expired => ApiResults.Conflict("RESERVATION_EXPIRED", "The reservation expired; its stock went back."),
        _ => ApiResults.Conflict("RESERVATION_SETTLED", $"The reservation is already {result.Reservation!.Status.ToString().ToLowerInvariant()}."),
    };

    private static ApiError ReservationNotFound(string id) =>
        ApiResults.NotFound("RESERVATION_NOT_FOUND", $"Reservation '{Products.ProductErrors.Truncate(id)}' does not exist.");
}
