using Agora.Contracts.Catalog.V1;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Orders;
using Agora.Ordering.Features.Saga;
using Agora.ServiceDefaults.Resilience;

namespace Agora.Ordering;

internal static class OrderingServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddOrdering(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SagaOptions>(SagaOptions.SectionName)
            .Validate(o => o.StepTimeout > TimeSpan.Zero && o.PaymentDeadline > TimeSpan.Zero, "Ordering:Saga timeouts must be positive.")
            .Validate(o => o.DeadlinePollInterval > TimeSpan.Zero && o.DeadlineClaim > TimeSpan.Zero, "Ordering:Saga:DeadlinePollInterval and DeadlineClaim must be positive.")
            .Validate(o => o.StockHold > o.PaymentDeadline, "Ordering:Saga:StockHold must outlast PaymentDeadline, or stock could return while an order waits for payment.");
        builder.Services.AddValidatedOptions<PlacementOptions>(PlacementOptions.SectionName)
            .Validate(o => o.PricingTimeout > TimeSpan.Zero, "Ordering:Placement:PricingTimeout must be positive.");
        builder.Services.AddScoped<OrderProcessor>();
        builder.Services.AddSingleton<SagaDeadlinePoller>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SagaDeadlinePoller>());
        builder.Services.AddAgoraGrpcClient<CatalogService.CatalogServiceClient>(builder.Configuration, "catalog");
        builder.Services
            .AddOpenApiTag("Orders", "Orders as event streams: place (idempotent), read (also as they were), history, cancel.")
            .AddOpenApiTag("Order administration", "Sagas by state and read-model rebuilds, for staff.");
        builder.Services.AddAuthorizationBuilder().AddOrderingPolicies();
        return builder;
    }
}
