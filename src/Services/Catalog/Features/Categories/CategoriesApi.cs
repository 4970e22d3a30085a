namespace Agora.Catalog.Features.Categories;

/// <summary><c>/api/v1/categories</c>: maps the category operations (one file each in this folder).</summary>
internal static class CategoriesApi
{
    public static IEndpointRouteBuilder MapCategoriesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/categories").WithTags("Categories");
        group.MapGet("/", ListCategories.Handle).WithName("ListCategories").WithSummary("All categories, by name")
            .WithDescription("Every category, ordered by name, in one page.");
        group.MapGet("/{id}", GetCategory.Handle).WithName("GetCategory").WithSummary("A category")
            .WithDescription("One category by id.")
            .ProducesError(StatusCodes.Status404NotFound, "CATEGORY_NOT_FOUND");
        group.MapGet("/{id}/products", ListCategoryProducts.Handle).WithName("ListCategoryProducts")
            .WithSummary("Products of a category, with the same filters, sorting and paging as /products")
            .WithDescription("A page of the category's products; the category query parameter is ignored here.")
            .ProducesError(StatusCodes.Status404NotFound, "CATEGORY_NOT_FOUND")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        return app;
    }
}
