using Agora.Catalog.Features.Products;
using Agora.Catalog.Features.Stock;

namespace Agora.Catalog;

internal static class CatalogServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CatalogOptions>(CatalogOptions.SectionName)
            .Validate(o => Agora.Primitives.Currencies.IsSupported(o.Currency), "Catalog:Currency must be a supported ISO 4217 code.");
        builder.Services.AddSingleton<ProductCache>();
        builder.Services.AddSingleton<ProductListCache>();
        builder.Services.AddScoped<StockLedger>();
        builder.Services.AddSingleton<ReservationExpiryService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReservationExpiryService>());
        builder.Services.AddScoped<IDataSeeder<CatalogDbContext>, CatalogSeeder>();
        builder.Services.AddGrpc(o => o.EnableDetailedErrors = false);
        builder.Services
            .AddOpenApiTag("Products", "The catalogue's products: prices in the catalogue currency, status, ETags for safe updates.")
            .AddOpenApiTag("Categories", "The categories products belong to, and each category's products.")
            .AddOpenApiTag("Inventory", "A product's stock: units available to reserve and units reserved.")
            .AddOpenApiTag("Reservations", "Stock held for an order, all lines or none, until it is committed, released or expires.");
        builder.Services.AddAuthorizationBuilder().AddCatalogPolicies();
        return builder;
    }
}
