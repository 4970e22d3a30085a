using System.ComponentModel.DataAnnotations;
using System.ComponentModel;

namespace Agora.Catalog.Features.Products.V2;

/// <summary><c>GET /api/v2/products/{id}</c>: one product in the v2 shape, with its ETag.</summary>
internal static class GetProductV2
{
    public static async Task<Results<ApiOk<ProductV2Dto>, StatusCodeHttpResult, ApiError>> Handle(
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
