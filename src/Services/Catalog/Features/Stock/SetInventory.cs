namespace Agora.Catalog.Features.Stock;

/// <summary><c>PUT /api/v1/products/{id}/inventory</c>: sets the units available (a stock count); reserved units are not touched.</summary>
internal static class SetInventory
{
    public static async Task<Results<ApiOk<InventoryDto>, ApiError>> Handle(
        string id, SetInventoryInput input, StockLedger ledger, CancellationToken ct)
    {
        if (input.Available is not (>= 0 and <= 1_000_000))
        {
            return ApiResults.Validation("available", "Required, between 0 and 1000000.");
        }

        var row = await ledger.SetAvailableAsync(id, input.Available.Value, ct);
        return row is null ? Products.ProductErrors.NotFound(id) : ApiResults.Ok(InventoryDto.From(row));
    }
}
