using Agora.Web.Features.Shop;

namespace Agora.Web.Features.Console;

/// <summary>Registers <see cref="CatalogueClient"/> on the gateway's address, like <see cref="StaffClient"/>.</summary>
internal static class CatalogueClientRegistration
{
    /// <summary>A catalogue call waits as long as a storefront read does.</summary>
    private static readonly TimeSpan Attempt = TimeSpan.FromSeconds(10);

    public static IHostApplicationBuilder AddCatalogueClient(this IHostApplicationBuilder builder)
    {
        builder.AddGatewayClient<CatalogueClient>(Attempt);
        return builder;
    }
}
