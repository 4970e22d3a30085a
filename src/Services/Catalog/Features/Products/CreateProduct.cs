using Agora.Contracts.Events;
using Wolverine.EntityFrameworkCore;

namespace Agora.Catalog.Features.Products;

internal static class CreateProduct
{
    public static async Task<Results<ApiCreated<ProductDto>, ApiError>> Handle(
        ProductInput input, IDbContextOutbox<CatalogDbContext> outbox, ProductListCache lists, IOptions<CatalogOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var v = new Validator();
        var minor = ProductValidation.Validate(input, options.Value.Currency, v, creating: true);
        var db = outbox.DbContext;
        if (v.IsValid && !await db.Categories.AnyAsync(c => c.Id == input.CategoryId, ct))
        {
            v.Add("category_id", "No such category.");
        }

        if (!v.IsValid)
        {
            return v.ToError();
        }

        if (await db.Products.AnyAsync(p => p.Sku == input.Sku, ct))
        {
            return ApiResults.Conflict("SKU_TAKEN", $"Another product already has SKU '{input.Sku}'.");
        }

        // One instant for the row and its events: Search orders "newest" by ProductCreated.OccurredAt and a rebuild
        // reads CreatedAt back through StreamProducts; both must be the same time.
        var at = clock.GetUtcNow();
        var now = at.UtcDateTime;
        var product = new Product
        {
            Id = Ids.New("prd"),
            Sku = input.Sku!,
            Name = input.Name!.Trim(),
            NameSearch = input.Name.Trim().ToUpperInvariant(),
            Description = input.Description ?? "",
            NameKo = input.Localized is null ? null : LocalizedText.KoreanOf(input.Localized).Name,
            DescriptionKo = input.Localized is null ? null : LocalizedText.KoreanOf(input.Localized).Description,
            CategoryId = input.CategoryId!,
            PriceMinor = minor,
            Currency = input.Price!.Currency,
            Status = input.Status!.Value,
            CreatedAt = now,
            UpdatedAt = now,
        };
        product.Inventory = new Inventory { ProductId = product.Id, Available = input.InitialStock ?? 0, UpdatedAt = now };
        db.Products.Add(product);

        await outbox.PublishAsync(new ProductCreated(Guid.CreateVersion7(), at, product.Id, product.Sku, product.Name,
            product.Description, product.CategoryId, Currencies.ToDecimal(minor, product.Currency), product.Currency,
            ProductStatusNames.Of(product.Status), LocalizedText.ForEvent(product)));
        await outbox.PublishAsync(new StockChanged(Guid.CreateVersion7(), at, product.Id, product.Inventory.Available, 0, "created"));
        try
        {
            await outbox.SaveChangesAndFlushMessagesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return ApiResults.Conflict("SKU_TAKEN", $"Another product already has SKU '{input.Sku}'.");
        }

        lists.Invalidate();
        var dto = ProductDto.From(product, options.Value.LowStockThreshold);
        return ApiResults.Created($"/api/v1/products/{product.Id}", dto, ProductETag.Of(dto, product.Version));
    }
}

internal static class ProductStatusNames
{
    public static string Of(ProductStatus status) => status switch
    {
        ProductStatus.Active => "active",
        ProductStatus.Draft => "draft",
        _ => "discontinued",
    };
}
