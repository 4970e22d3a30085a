using Agora.Catalog.Infrastructure;
using Agora.ServiceDefaults.Http;

namespace Agora.Catalog.Features.Products;

internal static class GetProduct
{
    public static async Task<Results<ApiOk<ProductDto>, StatusCodeHttpResult, ApiError>> Handle(
        string id, HttpRequest request, CatalogDbContext db, ProductCache cache, CancellationToken ct)
    {
        var cached = Ids.HasPrefix(id, "prd") ? await cache.GetAsync(id, db, ct) : null;
        if (cached is null)
        {
            return ProductErrors.NotFound(id);
        }

        var etag = Preconditions.ETag(cached.Version);
        if (Preconditions.IfNoneMatchHits(request, etag))
        {
            request.HttpContext.Response.Headers.ETag = etag;
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return ApiResults.Ok(cached.Product, etag);
    }
}

internal static class ProductErrors
{
    public static ApiError NotFound(string id) => ApiResults.NotFound("PRODUCT_NOT_FOUND", $"Product '{Truncate(id)}' does not exist.");

    public static string Truncate(string id) => id.Length <= 64 ? id : id[..64] + "…";
}
