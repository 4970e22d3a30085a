using System.ComponentModel.DataAnnotations;
using System.ComponentModel;

namespace Agora.Catalog.Features.Products.V2;

/// <summary>
/// A product in v2 of the API: the category is an object (room for its name later without another version) and prices
/// sit under <c>pricing</c> (<c>list_price</c> today; sale prices to come). Renaming <c>price</c> and
/// <c>category_id</c> breaks v1 clients, hence a new version (guide §3.2) and v1's deprecation at the gateway (§3.3).
/// </summary>
[ImmutableObject(true)]
public sealed record ProductV2Dto(
    [property: MaxLength(40), RegularExpression(IdPattern.Product)] string Id,
    [property: MaxLength(64), RegularExpression(IdPattern.Sku)] string Sku,
    [property: MaxLength(200)] string Name,
    [property: MaxLength(4000)] string Description,
    CategoryRefV2 Category,
    PricingV2 Pricing,
    ProductStatus Status,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: Description("Whether it can be ordered now, and how many units.")] ProductAvailability Availability,
    [property: Description("Name and description in other languages, by locale (ko); empty when there are none. name and description are English.")]
    IReadOnlyDictionary<string, LocalizedText> Localized)
{
    /// <summary>The v2 view of a v1 product.</summary>
    public static ProductV2Dto From(ProductDto p) =>
        new(p.Id, p.Sku, p.Name, p.Description, new CategoryRefV2(p.CategoryId), new PricingV2(p.Price), p.Status, p.CreatedAt, p.UpdatedAt,
            p.Availability, p.Localized);
}

/// <summary>The product's category, by reference.</summary>
public sealed record CategoryRefV2([property: MaxLength(40), RegularExpression(IdPattern.Any)] string Id);

/// <summary>The product's prices.</summary>
public sealed record PricingV2(MoneyDto ListPrice);
