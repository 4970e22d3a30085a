using Agora.Catalog.Features.Products;

namespace Agora.Catalog.Features.Categories;

/// <summary><c>GET /api/v1/categories/{id}/products</c>: the category's products, with the filters, sorting and paging of <c>/products</c>.</summary>
internal static class ListCategoryProducts
{
    public static async Task<Results<ApiOk<IReadOnlyList<ProductDto>>, ApiError>> Handle(
        string id, [AsParameters] ProductListQuery query, CatalogDbContext db, ProductListCache cache, IOptions<CatalogOptions> options,
        System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Categories.AnyAsync(c => c.Id == id, ct))
        {
            return CategoryErrors.NotFound(id);
        }

        return (await Products.ListProducts.Handle(new ProductListQuery
        {
            Category = id, MinPrice = query.MinPrice, MaxPrice = query.MaxPrice, Status = query.Status, Q = query.Q,
            Sort = query.Sort, PerPage = query.PerPage, Cursor = query.Cursor, Page = query.Page,
        }, db, cache, options, user, ct)).Result switch
        {
            ApiOk<IReadOnlyList<ProductDto>> ok => ok,
            ApiError error => error,
            var other => throw new InvalidOperationException($"Unexpected result {other}"),
        };
    }
}
