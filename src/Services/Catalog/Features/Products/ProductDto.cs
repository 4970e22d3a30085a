using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using Validator = Agora.Http.Validator;

namespace Agora.Catalog.Features.Products;

/// <summary>A product as the API shows it. Immutable, so the cache can hand out one instance.</summary>
[ImmutableObject(true)]
public sealed record ProductDto(
    [property: MaxLength(40), RegularExpression(IdPattern.Product)] string Id,
    [property: MaxLength(64), RegularExpression(IdPattern.Sku)] string Sku,
    [property: MaxLength(200)] string Name,
    [property: MaxLength(4000)] string Description,
    [property: MaxLength(40), RegularExpression(IdPattern.Any)] string CategoryId,
    MoneyDto Price,
    ProductStatus Status,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: Description("Whether it can be ordered now, and how many units.")] ProductAvailability Availability,
    [property: Description("Name and description in other languages, by locale (ko); empty when there are none. name and description are English.")]
    IReadOnlyDictionary<string, LocalizedText> Localized)
{
    /// <summary>The product with the stock of its loaded <see cref="Product.Inventory"/> (none loaded: out of stock).</summary>
    public static ProductDto From(Product p, int lowStockThreshold) =>
        From(p, ProductAvailability.Of(p.Inventory?.Available ?? 0, lowStockThreshold));

    public static ProductDto From(Product p, ProductAvailability availability) =>
        new(p.Id, p.Sku, p.Name, p.Description, p.CategoryId, Currencies.Format(p.PriceMinor, p.Currency), p.Status,
            p.CreatedAt, p.UpdatedAt, availability, LocalizedText.Of(p.NameKo, p.DescriptionKo));
}

/// <summary>What PUT (and POST) take: the whole product. PATCH merges into this shape.</summary>
public sealed record ProductInput(
    [property: MaxLength(64), RegularExpression(IdPattern.Sku)] string? Sku,
    [property: MaxLength(200)] string? Name,
    [property: MaxLength(4000), ApiOptional] string? Description,
    [property: MaxLength(40), RegularExpression(IdPattern.Any)] string? CategoryId,
    MoneyDto? Price,
    ProductStatus? Status,
    [property: Range(0, 1_000_000), Description("Create only: the stock to start with. Default 0.")] int? InitialStock = null,
    [property: ApiOptional, Description("Name and description in other languages, by locale (ko). Left out of a PUT: kept as they are.")]
    IReadOnlyDictionary<string, LocalizedText>? Localized = null);

/// <summary>
/// What PATCH takes, for the OpenAPI document only: the handler reads the raw JSON merge patch (RFC 7396) and merges
/// it into the product, so a field that is left out stays, and null removes it (description becomes empty; the
/// required ones are then 422). Any other field is 422.
/// </summary>
public sealed class ProductPatch
{
    [MaxLength(64), RegularExpression(IdPattern.Sku)] public string? Sku { get; init; }

    [MaxLength(200)] public string? Name { get; init; }

    [MaxLength(4000)] public string? Description { get; init; }

    [MaxLength(40), RegularExpression(IdPattern.Any)] public string? CategoryId { get; init; }

    public MoneyDto? Price { get; init; }

    public ProductStatus? Status { get; init; }

    /// <summary>Other languages, merged by locale: <c>{"ko": null}</c> removes the Korean text.</summary>
    public IReadOnlyDictionary<string, LocalizedText>? Localized { get; init; }
}

/// <summary>Patterns of the ids and codes the Catalog API documents.</summary>
internal static class IdPattern
{
    public const string Any = "^[A-Za-z0-9._:-]+$";
    public const string Product = "^prd_[A-Za-z0-9]+$";
    public const string Sku = "^[A-Za-z0-9_-]+$";
}

internal static class ProductValidation
{
    /// <summary>Validates a full product; returns the parsed price in minor units.</summary>
    public static long Validate(ProductInput input, string catalogCurrency, Validator v, bool creating)
    {
        v.Require(!string.IsNullOrWhiteSpace(input.Sku), "sku", "Required.");
        v.Require(input.Sku is null || (input.Sku.Length <= 64 && input.Sku.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')),
            "sku", "Up to 64 letters, digits, '-' or '_'.");
        v.Require(!string.IsNullOrWhiteSpace(input.Name), "name", "Required.");
        v.Require(input.Name is null || input.Name.Trim().Length <= 200, "name", "At most 200 characters.");
        v.Require(input.Description is null || input.Description.Length <= 4000, "description", "At most 4000 characters.");
        v.Require(!string.IsNullOrWhiteSpace(input.CategoryId), "category_id", "Required.");
        v.Require(input.Status is not null, "status", "Required: active, draft or discontinued.");
        v.Require(!creating || input.InitialStock is null or (>= 0 and <= 1_000_000), "initial_stock", "Must be between 0 and 1000000.");
        v.Require(creating || input.InitialStock is null, "initial_stock", "Stock is changed through the inventory resource.");
        LocalizedText.Validate(input.Localized, v);

        long minor = 0;
        if (!Currencies.TryParse(input.Price, out minor, out var error))
        {
            v.Add(input.Price is null ? "price" : Currencies.IsSupported(input.Price.Currency) ? "price.amount" : "price.currency", error!);
        }
        else if (input.Price!.Currency != catalogCurrency)
        {
            v.Add("price.currency", $"The catalogue is priced in {catalogCurrency}.");
        }
        else if (minor <= 0)
        {
            v.Add("price.amount", "Must be greater than zero.");
        }

        return minor;
    }
}
