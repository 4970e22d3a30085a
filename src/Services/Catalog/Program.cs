using Agora.Catalog;
using Agora.Catalog.Features.Categories;
using Agora.Catalog.Features.Products;
using Agora.Catalog.Features.Stock;
using Agora.Catalog.Grpc;
using Agora.Catalog.Features.Products.V2;

var builder = WebApplication.CreateBuilder(args);

builder.AddAgoraService<CatalogDbContext>("catalog");
builder.AddAgoraAuthentication();
builder.AddCatalog();

var app = builder.Build();

app.MapProductsApi();
app.MapProductsV2Api();
app.MapCategoriesApi();
app.MapInventoryApi();
app.MapGrpcService<CatalogGrpcService>();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
