using Agora.Web.Features.Shop;

namespace Agora.Web.Features.Console;

/// <summary>Registers <see cref="StaffClient"/> on the gateway's address and the console's authorization.</summary>
internal static class StaffClientRegistration
{
    /// <summary>A staff call waits as long as a storefront read does (the services answer their admin lists quickly).</summary>
    private static readonly TimeSpan Attempt = TimeSpan.FromSeconds(10);

    public static IHostApplicationBuilder AddStaffClient(this IHostApplicationBuilder builder)
    {
        var gateway = builder.Configuration.GetSection(WebOptions.SectionName).Get<WebOptions>()?.GatewayUrl ?? new WebOptions().GatewayUrl;
        builder.Services.AddHttpClient<StaffClient>(c => c.BaseAddress = new Uri(gateway)).WithStorefrontResilience(Attempt);
        builder.Services.AddConsoleAuthorization();
        builder.Services.AddOptions<ConsoleOptions>().Bind(builder.Configuration.GetSection(ConsoleOptions.SectionName));
        return builder;
    }
}
