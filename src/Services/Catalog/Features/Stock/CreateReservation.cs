using Validator = Agora.Http.Validator;

namespace Agora.Catalog.Features.Stock;

/// <summary><c>POST /api/v1/reservations</c>: holds stock of every line, or of none; idempotent by id.</summary>
internal static class CreateReservation
{
    public static async Task<Results<ApiCreated<ReservationDto>, ApiOk<ReservationDto>, ApiError>> Handle(
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
}
