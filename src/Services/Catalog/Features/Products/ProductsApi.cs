using Agora.Http;

namespace Agora.Catalog.Features.Products;

internal static class ProductsApi
{
    public static IEndpointRouteBuilder MapProductsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/products").WithTags("Products");
        group.MapGet("/", ListProducts.Handle).WithName("ListProducts")
            .WithSummary("Products, filtered by category, price range, status and name; sorted; cursor-paged")
            .WithDescription("A page of products. Follow pagination.next_cursor for the next page (keyset paging, stable "
                + "while products are added), or give page for offset paging. Invalid filters are 422 with a detail per parameter. "
                + "Only staff (role admin with write:catalog) and catalogue services see drafts and discontinued products; anyone else "
                + "lists active products only, and a status filter naming another status finds none.")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapGet("/{id}", GetProduct.Handle).WithName("GetProduct").WithSummary("A product (ETag; If-None-Match gives 304)")
            .WithDescription("One product by id, with its ETag. Send the ETag in If-None-Match to get 304 while it is unchanged. "
                + "A product that is not active (draft, discontinued) is 404 except to staff and catalogue services.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "PRODUCT_NOT_FOUND");
        group.MapPost("/", CreateProduct.Handle).WithName("CreateProduct").WithSummary("Add a product")
            .WithDescription("Adds a product priced in the catalogue currency, with initial_stock units in stock (default 0). "
                + "Answers 201 with its Location and ETag. A SKU is unique: another product's is 409 SKU_TAKEN.")
            .WithETag()
            .ProducesError(StatusCodes.Status409Conflict, "SKU_TAKEN")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError)
            .RequireAuthorization(CatalogPolicies.Write);
        group.MapPut("/{id}", UpdateProduct.Replace).WithName("ReplaceProduct").WithSummary("Replace a product (If-Match honoured)")
            .WithDescription("Replaces every field of a product (stock is changed through its inventory). "
                + "With If-Match, only if the product has not changed since that ETag.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "PRODUCT_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "SKU_TAKEN")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError)
            .RequireAuthorization(CatalogPolicies.Write);
        group.MapPatch("/{id}", UpdateProduct.Patch).WithName("PatchProduct")
            .Accepts<ProductPatch>("application/merge-patch+json", "application/json")
            .WithSummary("Change some fields with a JSON merge patch (If-Match honoured)")
            .WithDescription("Merges a JSON merge patch (RFC 7396) into the product: an object with any of sku, name, "
                + "description, category_id, price and status. null removes a field: description becomes empty, a required field "
                + "is 422, as are read-only and unknown fields. With If-Match, only if the product has not changed since that ETag.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "PRODUCT_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "SKU_TAKEN")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError)
            .RequireAuthorization(CatalogPolicies.Write);
        group.MapDelete("/{id}", DeleteProduct.Handle).WithName("DeleteProduct").WithSummary("Remove a product (If-Match honoured)")
            .WithDescription("Removes a product and its stock. A product whose stock is held by an active reservation "
                + "cannot be removed (409 PRODUCT_HAS_RESERVATIONS). With If-Match, only if it has not changed since that ETag.")
            .WithETag()
            .ProducesError(StatusCodes.Status404NotFound, "PRODUCT_NOT_FOUND")
            .ProducesError(StatusCodes.Status409Conflict, "PRODUCT_HAS_RESERVATIONS")
            .RequireAuthorization(CatalogPolicies.Write);
        return app;
    }
}
