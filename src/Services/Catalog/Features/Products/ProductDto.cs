using System.ComponentModel;
using Agora.Catalog.Infrastructure;
using Agora.ServiceDefaults.Http;

namespace Agora.Catalog.Features.Products;

/// <summary>A product as the API shows it. Immutable, so the cache can hand out one instance.</summary>
[ImmutableObject(true)]
public sealed record ProductDto(
    string Id,
    string Sku,
    string Name,
    string Description,
    string CategoryId,
    MoneyDto Price,
    ProductStatus Status,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static ProductDto From(Product p) =>
        new(p.Id, p.Sku, p.Name, p.Description, p.CategoryId, Currencies.Format(p.PriceMinor, p.Currency), p.Status,
            p.CreatedAt, p.UpdatedAt);
}

/// <summary>What PUT (and POST) take: the whole product. PATCH merges into this shape.</summary>
public sealed record ProductInput(
    string? Sku,
    string? Name,
    string? Description,
    string? CategoryId,
    MoneyDto? Price,
    ProductStatus? Status,
    int? InitialStock = null);

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

        long minor = 0;
        if (!Currencies.TryParse(input.Price, out minor, out var error))
        {
            v.Add(input.Price is null ? "price" : "price.amount", error!);
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
