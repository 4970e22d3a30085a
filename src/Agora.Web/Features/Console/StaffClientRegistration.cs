using Agora.Web.Features.Shop;

namespace Agora.Web.Features.Console;

/// <summary>Registers <see cref="StaffClient"/> on the gateway's address and the console's authorization.</summary>
internal static class StaffClientRegistration
{
    /// <summary>A staff call waits as long as a storefront read does (the services answer their admin lists quickly).</summary>
    private static readonly TimeSpan Attempt = TimeSpan.FromSeconds(10);

    public static IHostApplicationBuilder AddStaffClient(this IHostApplicationBuilder builder)
    {
        builder.AddGatewayClient<StaffClient>(Attempt);
        builder.Services.AddConsoleAuthorization();
        builder.Services.AddOptions<ConsoleOptions>().Bind(builder.Configuration.GetSection(ConsoleOptions.SectionName));
        return builder;
    }
}
