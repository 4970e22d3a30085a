using Agora.Catalog;
using Agora.Catalog.Features.Categories;
using Agora.Catalog.Features.Products;
using Agora.Catalog.Features.Stock;
using Agora.Catalog.Grpc;
using Agora.Catalog.Features.Products.V2;

return await AgoraServiceHost.RunAsync<CatalogDbContext>(args, "catalog", builder => builder.AddCatalog(), app =>
{
    app.MapProductsApi();
    app.MapProductsV2Api();
    app.MapCategoriesApi();
    app.MapInventoryApi();
    app.MapGrpcService<CatalogGrpcService>();
});

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
