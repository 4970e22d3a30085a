using Agora.Http;

namespace Agora.Search.Features.Search;

internal static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/search/products", SearchProducts.Handle).WithTags("Search").WithName("SearchProducts")
            .WithSummary("Full-text search of the catalogue: ranked, typo-tolerant, filtered, faceted, highlighted, cursor-paged")
            .WithDescription("Active products whose name, description or SKU match q, ranked by BM25 (or sorted by price or "
                + "creation time), filtered by category, price range and stock. data.items is a page of products with the "
                + "matched words highlighted; data.facets.categories counts the matches per category over the whole result "
                + "(ignoring the category filter). Follow pagination.next_cursor for the next page. The index follows "
                + "Catalog's events: a change there is searchable within 2 seconds. Invalid parameters are 422 with a detail each.")
            .ProducesError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidParameter)
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        return app;
    }
}
