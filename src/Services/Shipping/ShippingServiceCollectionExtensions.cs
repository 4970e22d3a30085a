using Agora.Shipping.Features.CarrierCallbacks;
using Agora.Shipping.Features.Shipments;

namespace Agora.Shipping;

internal static class ShippingServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddShipping(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ShippingOptions>(ShippingOptions.SectionName)
            .Validate(o => o.CarrierRules.All(r => !string.IsNullOrWhiteSpace(r.Carrier) && r.Countries.All(c => c.Trim().Length == 2)),
                "Shipping:CarrierRules: every rule needs a Carrier, and Countries are ISO 3166-1 alpha-2 codes.")
            .Validate(o => string.IsNullOrEmpty(o.CarrierWebhookSecret) || o.CarrierWebhookSecret.Length >= 16,
                "Shipping:CarrierWebhookSecret must be at least 16 characters.");
        builder.Services.AddSingleton<CarrierSelector>();
        builder.Services.AddHostedService<WebhookSecretCheck>();
        builder.Services.AddCarrierSignatureOpenApi();
        builder.Services
            .AddOpenApiTag("Shipments", "An order's shipment: carrier, tracking number, status and tracking history.")
            .AddOpenApiTag("Carrier callbacks", "Signed webhooks in which carriers report pick-up, hubs and delivery.");
        builder.Services.AddAuthorizationBuilder().AddShippingPolicies();
        return builder;
    }

    /// <summary>Says at start, once, that callbacks cannot be accepted without a secret.</summary>
    private sealed class WebhookSecretCheck(IOptions<ShippingOptions> options, ILogger<ShipmentLog> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(options.Value.CarrierWebhookSecret))
            {
                ShipmentLog.NoWebhookSecret(logger);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
