using System.ComponentModel.DataAnnotations;
using Agora.Catalog.Features.Products;

namespace Agora.Catalog.Features.Stock;

/// <summary>A product's stock as the API shows it.</summary>
public sealed record InventoryDto(
    [property: MaxLength(40), RegularExpression(IdPattern.Product)] string ProductId,
    [property: Range(0, int.MaxValue)] int Available,
    [property: Range(0, int.MaxValue)] int Reserved,
    DateTime UpdatedAt)
{
    public static InventoryDto From(Infrastructure.Inventory i) => new(i.ProductId, i.Available, i.Reserved, i.UpdatedAt);
}

/// <summary>What <c>PUT /api/v1/products/{id}/inventory</c> takes.</summary>
public sealed record SetInventoryInput([property: Range(0, 1_000_000)] int? Available);
