using Agora.Catalog;
using Agora.Catalog.Features.Categories;
using Agora.Catalog.Features.Stock;
using Agora.Catalog.Features.Products;
using Agora.Catalog.Features.Products.V2;
using Agora.Catalog.Grpc;
using Agora.Catalog.Infrastructure;
using Agora.ServiceDefaults;
using Agora.ServiceDefaults.Hosting;
using Agora.ServiceDefaults.Auth;
using Agora.ServiceDefaults.Messaging;
using Agora.ServiceDefaults.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("catalog");
builder.AddAgoraAuthentication();
builder.AddAgoraDbContext<CatalogDbContext>();
builder.AddAgoraMessaging(typeof(Program).Assembly);
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
