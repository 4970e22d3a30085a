using System.ComponentModel.DataAnnotations;
using System.ComponentModel;

namespace Agora.Catalog.Features.Products.V2;

/// <summary><c>GET /api/v2/products</c>: v1's list (filters, sorting, paging, caches), each product in the v2 shape.</summary>
internal static class ListProductsV2
{
    public static async Task<Results<ApiOk<IReadOnlyList<ProductV2Dto>>, ApiError>> Handle(
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
}
