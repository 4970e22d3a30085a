namespace Agora.Catalog.Features.Categories;

/// <summary><c>GET /api/v1/categories/{id}</c>: one category.</summary>
internal static class GetCategory
{
    public static async Task<Results<ApiOk<CategoryDto>, ApiError>> Handle(string id, CatalogDbContext db, CancellationToken ct)
    {
        var c = await db.Categories.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return c is null ? CategoryErrors.NotFound(id) : ApiResults.Ok(CategoryDto.From(c));
    }
}
