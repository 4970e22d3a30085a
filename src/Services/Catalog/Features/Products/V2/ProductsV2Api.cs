using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Agora.Http;
using Agora.Catalog.Infrastructure;
using Agora.Primitives;
using Microsoft.Extensions.Options;

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
    DateTime UpdatedAt)
{
    /// <summary>The v2 view of a v1 product.</summary>
    public static ProductV2Dto From(ProductDto p) =>
        new(p.Id, p.Sku, p.Name, p.Description, new CategoryRefV2(p.CategoryId), new PricingV2(p.Price), p.Status, p.CreatedAt, p.UpdatedAt);
}

/// <summary>The product's category, by reference.</summary>
public sealed record CategoryRefV2([property: MaxLength(40), RegularExpression(IdPattern.Any)] string Id);

/// <summary>The product's prices.</summary>
public sealed record PricingV2(MoneyDto ListPrice);

/// <summary>
/// <c>/api/v2/products</c>, read-only: the list (same filters, sorting and paging as v1) and one product (ETag,
/// <c>If-None-Match</c>). Writes stay on v1 until v2 grows its own input shape. Served from v1's caches.
/// </summary>
internal static class ProductsV2Api
{
    public static IEndpointRouteBuilder MapProductsV2Api(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/products").WithTags("Products v2");
        group.MapGet("/", ListAsync).WithName("ListProductsV2")
            .WithSummary("Products in the v2 shape (category object, pricing.list_price); filters, sorting and paging as in v1")
            .WithDescription("A page of products, as v1's list (active products only, except to staff), each in the v2 shape.")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapGet("/{id}", GetAsync).WithName("GetProductV2").WithSummary("A product in the v2 shape (ETag; If-None-Match gives 304)")
            .WithDescription("One product by id in the v2 shape, with its ETag; a product that is not active is 404 except to staff.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "PRODUCT_NOT_FOUND");
        return app;
    }

    private static async Task<Results<ApiOk<IReadOnlyList<ProductV2Dto>>, ApiError>> ListAsync(
        [AsParameters] ProductListQuery query, CatalogDbContext db, ProductListCache cache, IOptions<CatalogOptions> options,
        System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        var v1 = await ListProducts.Handle(query, db, cache, options, user, ct);
        return v1.Result switch
        {
            ApiOk<IReadOnlyList<ProductDto>> page => ApiResults.Page<ProductV2Dto>(
                page.Value.Select(ProductV2Dto.From).ToList(), page.Pagination!),
            ApiError error => error,
            _ => throw new InvalidOperationException("Unexpected result from the v1 list."),
        };
    }

    private static async Task<Results<ApiOk<ProductV2Dto>, StatusCodeHttpResult, ApiError>> GetAsync(
        string id, HttpRequest request, CatalogDbContext db, ProductCache cache, CancellationToken ct)
    {
        var v1 = await GetProduct.Handle(id, request, db, cache, ct);
        return v1.Result switch
        {
            ApiOk<ProductDto> ok => ApiResults.Ok(ProductV2Dto.From(ok.Value), ok.ETag),
            StatusCodeHttpResult notModified => notModified,
            ApiError error => error,
            _ => throw new InvalidOperationException("Unexpected result from the v1 read."),
        };
    }
}
