namespace Agora.Shipping.Features.Shipments;

/// <summary><c>GET /api/v1/shipments/{id}</c>: a shipment with its tracking history; another customer's is 404.</summary>
internal static class GetShipment
{
    public static async Task<Results<ApiOk<ShipmentDto>, ApiError>> Handle(
        string id, ClaimsPrincipal user, ShippingDbContext db, CancellationToken ct)
    {
        var shipment = Ids.HasPrefix(id, "shp")
            ? await db.Shipments.AsNoTracking().AsSplitQuery().Include(s => s.Items).Include(s => s.Tracking).FirstOrDefaultAsync(s => s.Id == id, ct)
            : null;
        return shipment is not null && CanSee(user, shipment)
            ? ApiResults.Ok(ShipmentDto.From(shipment))
            : ApiResults.NotFound("SHIPMENT_NOT_FOUND", $"Shipment '{(id.Length <= 64 ? id : id[..64] + "…")}' does not exist.");
    }

    /// <summary>Staff see every shipment; a customer only their own.</summary>
    public static bool CanSee(ClaimsPrincipal user, Shipment shipment) =>
        ShippingPolicies.IsStaff(user)
        || (shipment.CustomerId.Length > 0 && shipment.CustomerId == user.FindFirst(AgoraClaims.Subject)?.Value);
}
