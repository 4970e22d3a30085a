namespace Agora.Catalog.Features.Products.V2;

/// <summary>
/// <c>/api/v2/products</c>, read-only: the list (same filters, sorting and paging as v1) and one product (ETag,
/// <c>If-None-Match</c>). Writes stay on v1 until v2 grows its own input shape. Served from v1's caches.
/// </summary>
internal static class ProductsV2Api
{
    public static IEndpointRouteBuilder MapProductsV2Api(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/products").WithTags("Products v2");
        group.MapGet("/", ListProductsV2.Handle).WithName("ListProductsV2")
            .WithSummary("Products in the v2 shape (category object, pricing.list_price); filters, sorting and paging as in v1")
            .WithDescription("A page of products, as v1's list (active products only, except to staff), each in the v2 shape.")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapGet("/{id}", GetProductV2.Handle).WithName("GetProductV2").WithSummary("A product in the v2 shape (ETag; If-None-Match gives 304)")
            .WithDescription("One product by id in the v2 shape, with its ETag; a product that is not active is 404 except to staff.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "PRODUCT_NOT_FOUND");
        return app;
    }
}
