namespace Agora.Catalog.Features.Products;

internal static class ProductsApi
{
    public static IEndpointRouteBuilder MapProductsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/products").WithTags("Products");
        group.MapGet("/", ListProducts.Handle).WithName("ListProducts")
            .WithSummary("Products, filtered by category, price range, status and name; sorted; cursor-paged");
        group.MapGet("/{id}", GetProduct.Handle).WithName("GetProduct").WithSummary("A product (ETag; If-None-Match gives 304)");
        group.MapPost("/", CreateProduct.Handle).WithName("CreateProduct").WithSummary("Add a product")
            .RequireAuthorization(CatalogPolicies.Write);
        group.MapPut("/{id}", UpdateProduct.Replace).WithName("ReplaceProduct").WithSummary("Replace a product (If-Match honoured)")
            .RequireAuthorization(CatalogPolicies.Write);
        group.MapPatch("/{id}", UpdateProduct.Patch).WithName("PatchProduct")
            .Accepts<System.Text.Json.JsonElement>("application/merge-patch+json", "application/json")
            .WithSummary("Change some fields with a JSON merge patch (If-Match honoured)")
            .RequireAuthorization(CatalogPolicies.Write);
        group.MapDelete("/{id}", DeleteProduct.Handle).WithName("DeleteProduct").WithSummary("Remove a product (If-Match honoured)")
            .RequireAuthorization(CatalogPolicies.Write);
        return app;
    }
}
