namespace Agora.Catalog.Features.Categories;

/// <summary><c>GET /api/v1/categories</c>: every category, by name, in one page.</summary>
internal static class ListCategories
{
    public static async Task<ApiOk<IReadOnlyList<CategoryDto>>> Handle(CatalogDbContext db, CancellationToken ct)
    {
        var items = await db.Categories.AsNoTracking().OrderBy(c => c.Name).ThenBy(c => c.Id).ToListAsync(ct);
        return ApiResults.Page<CategoryDto>(items.Select(CategoryDto.From).ToList(), Paging.Info(Math.Max(1, items.Count), items.Count, null));
    }
}
