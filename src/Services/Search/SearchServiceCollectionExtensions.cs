using Agora.Contracts.Catalog.V1;
using Agora.Search.Features.Indexing;
using Agora.Search.Features.Rebuild;
using Agora.ServiceDefaults.Resilience;

namespace Agora.Search;

internal static class SearchServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddSearch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SearchOptions>(SearchOptions.SectionName);
        builder.Services.AddSingleton<ProductIndex>();
        builder.Services.AddHostedService<IndexMaintenance>();
        builder.Services.AddHostedService<InitialBuild>();
        builder.Services.AddAgoraGrpcClient<CatalogService.CatalogServiceClient>(builder.Configuration, "catalog");
        builder.Services.AddScoped<CatalogImporter>();
        builder.Services
            .AddOpenApiTag("Search", "Full-text search of the catalogue (Korean and English), kept current by Catalog's events.")
            .AddOpenApiTag("Search administration", "Rebuilding the index from Catalog (staff only).");
        builder.Services.AddAuthorizationBuilder().AddSearchPolicies();
        return builder;
    }
}
