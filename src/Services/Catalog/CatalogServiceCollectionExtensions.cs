using Agora.Catalog.Features.Stock;
using Agora.Catalog.Features.Products;
using Agora.Catalog.Infrastructure;
using Agora.ServiceDefaults.Storage;

namespace Agora.Catalog;

internal static class CatalogServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CatalogOptions>()
            .BindConfiguration(CatalogOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => Agora.ServiceDefaults.Http.Currencies.IsSupported(o.Currency), "Catalog:Currency must be a supported ISO 4217 code.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ProductCache>();
        builder.Services.AddScoped<StockLedger>();
        builder.Services.AddSingleton<ReservationExpiryService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReservationExpiryService>());
        builder.Services.AddScoped<IDataSeeder<CatalogDbContext>, CatalogSeeder>();
        builder.Services.AddGrpc(o => o.EnableDetailedErrors = false);
        builder.Services.AddAuthorizationBuilder().AddCatalogPolicies();
        return builder;
    }
}
