namespace Agora.Catalog.Features.Stock;

/// <summary><c>GET /api/v1/products/{id}/inventory</c>: units available to reserve and units held.</summary>
internal static class GetInventory
{
    public static async Task<Results<ApiOk<InventoryDto>, ApiError>> Handle(string id, CatalogDbContext db, CancellationToken ct)
    {
        var row = await db.Inventory.AsNoTracking().FirstOrDefaultAsync(i => i.ProductId == id, ct);
        return row is null ? Products.ProductErrors.NotFound(id) : ApiResults.Ok(InventoryDto.From(row));
    }
}
