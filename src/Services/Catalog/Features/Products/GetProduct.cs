namespace Agora.Catalog.Features.Products;

internal static class GetProduct
{
    public static async Task<Results<ApiOk<ProductDto>, StatusCodeHttpResult, ApiError>> Handle(
        string id, HttpRequest request, CatalogDbContext db, ProductCache cache, CancellationToken ct)
    {
        var cached = Ids.HasPrefix(id, "prd") ? await cache.GetAsync(id, db, ct) : null;

        // A product that is not active (a draft, a discontinued one) is the back office's: to anyone else it does not
        // exist, exactly as an unknown id (no existence leak, no ETag).
        if (cached is null || (cached.Product.Status != ProductStatus.Active && !CatalogPolicies.MaySeeAll(request.HttpContext.User)))
        {
            return ProductErrors.NotFound(id);
        }

        var etag = cached.ETag;
        return Preconditions.NotModified(request, etag) is { } notModified ? notModified : ApiResults.Ok(cached.Product, etag);
    }
}

internal static class ProductErrors
{
    public static ApiError NotFound(string id) => ApiResults.NotFound("PRODUCT_NOT_FOUND", $"Product '{Truncate(id)}' does not exist.");

    public static string Truncate(string id) => id.Length <= 64 ? id : id[..64] + "…";

    /// <summary>The tracked product to change, or the 404 / 412 that stops the change.</summary>
    public static async Task<(Product? Product, ApiError? Error)> LoadForChangeAsync(
        CatalogDbContext db, string id, HttpRequest request, CancellationToken ct)
    {
        var product = Ids.HasPrefix(id, "prd") ? await db.Products.FirstOrDefaultAsync(p => p.Id == id, ct) : null;
        if (product is null)
        {
            return (null, NotFound(id));
        }

        return ProductETag.IfMatchFails(request, product.Version)
            ? (null, ApiResults.PreconditionFailed())
            : (product, null);
    }

    /// <summary>412 when another request changed the product between our read and our write.</summary>
    public static ApiError ChangedConcurrently() =>
        ApiResults.Error(StatusCodes.Status412PreconditionFailed, ErrorCodes.PreconditionFailed,
            "The product was changed by another request; read it again and retry.");
}
