using System.ComponentModel.DataAnnotations;
using Agora.Http;
using Agora.Catalog.Features.Products;
using Agora.Catalog.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agora.Catalog.Features.Categories;

public sealed record CategoryDto(
    [property: MaxLength(40), RegularExpression(IdPattern.Any)] string Id,
    [property: MaxLength(100)] string Name,
    [property: MaxLength(100), RegularExpression("^[a-z0-9-]+$")] string Slug,
    [property: MaxLength(1000)] string Description,
    DateTime CreatedAt)
{
    public static CategoryDto From(Category c) => new(c.Id, c.Name, c.Slug, c.Description, c.CreatedAt);
}

internal static class CategoriesApi
{
    public static IEndpointRouteBuilder MapCategoriesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/categories").WithTags("Categories");
        group.MapGet("/", List).WithName("ListCategories").WithSummary("All categories, by name")
            .WithDescription("Every category, ordered by name, in one page.");
        group.MapGet("/{id}", Get).WithName("GetCategory").WithSummary("A category")
            .WithDescription("One category by id.")
            .ProducesError(StatusCodes.Status404NotFound, "CATEGORY_NOT_FOUND");
        group.MapGet("/{id}/products", ListProducts).WithName("ListCategoryProducts")
            .WithSummary("Products of a category, with the same filters, sorting and paging as /products")
            .WithDescription("A page of the category's products; the category query parameter is ignored here.")
            .ProducesError(StatusCodes.Status404NotFound, "CATEGORY_NOT_FOUND")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        return app;
    }

    private static async Task<ApiOk<IReadOnlyList<CategoryDto>>> List(CatalogDbContext db, CancellationToken ct)
    {
        var items = await db.Categories.AsNoTracking().OrderBy(c => c.Name).ThenBy(c => c.Id).ToListAsync(ct);
        return ApiResults.Page<CategoryDto>(items.Select(CategoryDto.From).ToList(), Paging.Info(Math.Max(1, items.Count), items.Count, null));
    }

    private static async Task<Results<ApiOk<CategoryDto>, ApiError>> Get(string id, CatalogDbContext db, CancellationToken ct)
    {
        var c = await db.Categories.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return c is null ? NotFound(id) : ApiResults.Ok(CategoryDto.From(c));
    }

    private static async Task<Results<ApiOk<IReadOnlyList<ProductDto>>, ApiError>> ListProducts(
        string id, [AsParameters] ProductListQuery query, CatalogDbContext db, ProductListCache cache, IOptions<CatalogOptions> options,
        System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Categories.AnyAsync(c => c.Id == id, ct))
        {
            return NotFound(id);
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

    private static ApiError NotFound(string id) =>
        ApiResults.NotFound("CATEGORY_NOT_FOUND", $"Category '{ProductErrors.Truncate(id)}' does not exist.");
}
