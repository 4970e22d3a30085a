using Validator = Agora.Http.Validator;

namespace Agora.Shipping.Features.Shipments;

/// <summary><c>GET /api/v1/shipments</c>: the caller's shipments (staff: anyone's), newest first, cursor-paged.</summary>
internal static class ListShipments
{
    /// <summary>Keyset position: the last item's creation time (ticks) and id.</summary>
    internal sealed record Position([property: System.Text.Json.Serialization.JsonConverter(typeof(CursorTicksConverter))] long T, string Id)
    {
        public (DateTime, string) At => (new DateTime(T, DateTimeKind.Utc), Id);
    }

    public static async Task<Results<ApiOk<IReadOnlyList<ShipmentDto>>, ApiError>> Handle(
        [AsParameters] ShipmentListQuery query, ClaimsPrincipal user, ShippingDbContext db, CancellationToken ct)
    {
        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, null, query.Cursor, v);
        var after = Keyset.ReadCursor<Position>(query.Cursor, v);

        if (!v.IsValid)
        {
            return v.ToError();
        }

        var admin = ShippingPolicies.IsStaff(user);
        var subject = user.FindFirst(AgoraClaims.Subject)?.Value ?? "";
        if (!admin && query.CustomerId is { Length: > 0 } other && other != subject)
        {
            return ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Only staff may list another customer's shipments.");
        }

        var filtered = db.Shipments.AsNoTracking();
        var customer = admin ? query.CustomerId : subject;
        if (!string.IsNullOrEmpty(customer))
        {
            filtered = filtered.Where(s => s.CustomerId == customer);
        }
        else if (!admin)
        {
            filtered = filtered.Where(_ => false);
        }

        if (!string.IsNullOrEmpty(query.OrderId))
        {
            filtered = filtered.Where(s => s.OrderId == query.OrderId);
        }

        var total = await filtered.LongCountAsync(ct);
        var items = await filtered.OrderAfter(s => s.CreatedAt, s => s.Id, descending: true, after?.At).Take(perPage + 1)
            .AsSplitQuery().Include(s => s.Items).Include(s => s.Tracking).ToListAsync(ct);
        var next = Keyset.TrimToPage(items, perPage, s => new Position(s.CreatedAt.Ticks, s.Id));

        return ApiResults.Page<ShipmentDto>(items.Select(ShipmentDto.From).ToList(), Paging.Info(perPage, total, next));
    }
}
