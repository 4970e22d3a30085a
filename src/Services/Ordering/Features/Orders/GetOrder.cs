using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Agora.Ordering.Domain;
using Validator = Agora.Http.Validator;

namespace Agora.Ordering.Features.Orders;

/// <summary><c>GET /api/v1/orders/{id}</c>: the detail view now, or as it was at a version or an instant (<c>as_of</c>).</summary>
internal static class GetOrder
{
    /// <summary>The longest <c>as_of</c>: an RFC 3339 date-time with seven fraction digits and an offset is 33.</summary>
    public const int AsOfMaxLength = 40;

    public static async Task<Results<ApiOk<OrderDto>, ApiError>> Handle(
        string id, [MaxLength(AsOfMaxLength)] string? as_of, [Range(1, int.MaxValue)] int? version, HttpContext http, OrderingDbContext db, CancellationToken ct)
    {
        var validator = new Validator();
        DateTimeOffset? asOf = null;
        if (as_of is { Length: > AsOfMaxLength })
        {
            validator.Add("as_of", $"At most {AsOfMaxLength} characters: an RFC 3339 date-time, e.g. 2026-11-25T10:00:00Z.");
        }
        else if (as_of is not null)
        {
            if (DateTimeOffset.TryParse(as_of, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) && as_of.Contains('T', StringComparison.Ordinal))
            {
                asOf = parsed;
            }
            else
            {
                validator.Add("as_of", "An RFC 3339 date-time, e.g. 2026-11-25T10:00:00Z.");
            }
        }

        validator.Require(version is null or >= 1, "version", "Must be 1 or greater.");
        validator.Require(as_of is null || version is null, "as_of", "Give either as_of or version, not both.");
        if (!validator.IsValid)
        {
            return validator.ToError();
        }

        if (!Ids.HasPrefix(id, "ord"))
        {
            return OrderAccess.NotFound(id);
        }

        if (asOf is null && version is null)
        {
            var detail = await db.Details.AsNoTracking().FirstOrDefaultAsync(d => d.OrderId == id, ct);
            if (detail is null || !OrderAccess.MaySee(http.User, detail.CustomerId))
            {
                return OrderAccess.NotFound(id);
            }

            return ApiResults.Ok(JsonSerializer.Deserialize<OrderDto>(detail.Document, EventStore.Json)!, Preconditions.ETag(detail.Version));
        }

        // Time travel: fold the stream only up to the version or the instant asked for.
        var events = await new EventStore(db).ReadStreamAsync(id, version, asOf, ct);
        var state = OrderState.Fold(events.Select(e => e.Event));
        var owner = events.Count > 0 ? state!.Customer.CustomerId
            : await db.Summaries.AsNoTracking().Where(s => s.OrderId == id).Select(s => s.CustomerId).FirstOrDefaultAsync(ct);
        if (owner is null || !OrderAccess.MaySee(http.User, owner))
        {
            return OrderAccess.NotFound(id);
        }

        if (state is null)
        {
            return ApiResults.NotFound("ORDER_NOT_YET_PLACED", "The order did not exist at that time.");
        }

        if (version is { } v && v > state.Version)
        {
            return ApiResults.NotFound("ORDER_VERSION_NOT_FOUND", $"The order has {state.Version} versions.");
        }

        return ApiResults.Ok(OrderProjection.View(state));
    }
}
