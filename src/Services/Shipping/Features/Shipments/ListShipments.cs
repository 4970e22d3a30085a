using Validator = Agora.Http.Validator;

namespace Agora.Shipping.Features.Shipments;

/// <summary><c>GET /api/v1/shipments</c>: the caller's shipments (staff: anyone's), newest first, cursor-paged.</summary>
internal static class ListShipments
{
    public static async Task<Results<ApiOk<IReadOnlyList<ShipmentDto>>, ApiError>> Handle(
        [AsParameters] ShipmentListQuery query, ClaimsPrincipal user, ShippingDbContext db, CancellationToken ct)
    {
        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, null, query.Cursor, v);
        var after = Keyset.ReadCursor<CreatedPosition>(query.Cursor, v);

        if (!v.IsValid)
        {
            return v.ToError();
        }

        var filtered = db.Shipments.AsNoTracking()
            .OwnedBy(s => s.CustomerId, user.FindFirst(AgoraClaims.Subject)?.Value ?? "", ShippingPolicies.IsStaff(user), query.CustomerId);
        if (filtered is null)
        {
            return ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Only staff may list another customer's shipments.");
        }

        if (!string.IsNullOrEmpty(query.OrderId))
        {
            filtered = filtered.Where(s => s.OrderId == query.OrderId);
        }

        var total = await filtered.LongCountAsync(ct);
        var items = await filtered.OrderAfter(s => s.CreatedAt, s => s.Id, descending: true, after?.At).Take(perPage + 1)
            .AsSplitQuery().Include(s => s.Items).Include(s => s.Tracking).ToListAsync(ct);
        var next = Keyset.TrimToPage(items, perPage, s => CreatedPosition.Of(s.CreatedAt, s.Id));

        return ApiResults.Page<ShipmentDto>(items.Select(ShipmentDto.From).ToList(), Paging.Info(perPage, total, next));
    }
}
