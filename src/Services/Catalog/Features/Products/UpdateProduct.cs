using Agora.Contracts.Events;
using Microsoft.AspNetCore.Http.Json;
using Wolverine.EntityFrameworkCore;

namespace Agora.Catalog.Features.Products;

/// <summary>PUT replaces a product; PATCH merges a JSON merge patch (RFC 7396) into it. Both honour <c>If-Match</c>.</summary>
internal static class UpdateProduct
{
    private static readonly HashSet<string> PatchableFields = ["sku", "name", "description", "category_id", "price", "status", "localized"];

    public static Task<Results<ApiOk<ProductDto>, ApiError>> Replace(
        string id, ProductInput input, HttpRequest request, IDbContextOutbox<CatalogDbContext> outbox,
        ProductCache cache, IOptions<CatalogOptions> options, TimeProvider clock, CancellationToken ct) =>
        ApplyAsync(id, _ => (input, null), request, outbox, cache, options.Value, clock, ct);

    public static Task<Results<ApiOk<ProductDto>, ApiError>> Patch(
        string id, JsonElement patch, HttpRequest request, IDbContextOutbox<CatalogDbContext> outbox,
        ProductCache cache, IOptions<CatalogOptions> options, IOptions<JsonOptions> json, TimeProvider clock,
        CancellationToken ct)
    {
        var serializer = json.Value.SerializerOptions;
        return ApplyAsync(id, product => Merge(product, patch, serializer), request, outbox, cache, options.Value, clock, ct);
    }

    private static (ProductInput? Input, ApiError? Error) Merge(Product product, JsonElement patch, JsonSerializerOptions json) =>
        MergePatch.Apply(() => new ProductInput(product.Sku, product.Name, product.Description,
            product.CategoryId, Currencies.Format(product.PriceMinor, product.Currency), product.Status,
            Localized: LocalizedText.Of(product.NameKo, product.DescriptionKo)), patch, json, "a product", PatchableFields);

    private static async Task<Results<ApiOk<ProductDto>, ApiError>> ApplyAsync(
        string id, Func<Product, (ProductInput? Input, ApiError? Error)> build, HttpRequest request,
        IDbContextOutbox<CatalogDbContext> outbox, ProductCache cache, CatalogOptions options, TimeProvider clock,
        CancellationToken ct)
    {
        var db = outbox.DbContext;
        var (loaded, failed) = await ProductErrors.LoadForChangeAsync(db, id, request, ct);
        if (failed is not null)
        {
            return failed;
        }

        var product = loaded!;

        var (input, error) = build(product);
        if (error is not null)
        {
            return error;
        }

        var v = new Validator();
        var minor = ProductValidation.Validate(input!, options.Currency, v, creating: false);
        if (v.IsValid && input!.CategoryId != product.CategoryId && !await db.Categories.AnyAsync(c => c.Id == input.CategoryId, ct))
        {
            v.Add("category_id", "No such category.");
        }

        if (!v.IsValid)
        {
            return v.ToError();
        }

        var oldPrice = product.PriceMinor;
        product.Sku = input!.Sku!;
        product.Name = input.Name!.Trim();
        product.NameSearch = product.Name.ToUpperInvariant();
        product.Description = input.Description ?? "";
        if (input.Localized is not null)
        {
            // Absent from a PUT: the other languages stay as they are (a client that knows only name and description
            // does not erase them); PATCH always has them, merged.
            (product.NameKo, product.DescriptionKo) = LocalizedText.KoreanOf(input.Localized);
        }

        product.CategoryId = input.CategoryId!;
        product.PriceMinor = minor;
        product.Status = input.Status!.Value;
        product.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        product.Version++;

        var at = clock.GetUtcNow();
        var price = Currencies.ToDecimal(minor, product.Currency);
        await outbox.PublishAsync(new ProductUpdated(Guid.CreateVersion7(), at, product.Id, product.Sku, product.Name,
            product.Description, product.CategoryId, price, product.Currency, ProductStatusNames.Of(product.Status), product.Version,
            LocalizedText.ForEvent(product)));
        if (oldPrice != minor)
        {
            await outbox.PublishAsync(new PriceChanged(Guid.CreateVersion7(), at, product.Id,
                Currencies.ToDecimal(oldPrice, product.Currency), price, product.Currency));
        }

        try
        {
            await outbox.SaveChangesAndFlushMessagesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ProductErrors.ChangedConcurrently();
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return ApiResults.Conflict("SKU_TAKEN", $"Another product already has SKU '{input.Sku}'.");
        }
        finally
        {
            await cache.InvalidateAsync(id, CancellationToken.None);
        }

        var available = await db.Inventory.AsNoTracking().Where(i => i.ProductId == id).Select(i => i.Available).FirstOrDefaultAsync(CancellationToken.None);
        var dto = ProductDto.From(product, ProductAvailability.Of(available, options.LowStockThreshold));
        return ApiResults.Ok(dto, ProductETag.Of(dto, product.Version));
    }
}
