using Agora.Identity.Infrastructure;
using Agora.ServiceDefaults.Storage;
using Microsoft.AspNetCore.Identity;

namespace Agora.Identity;

internal static class IdentityServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddIdentityService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<IPasswordHasher<User>, PasswordHasher<User>>();
        builder.Services.AddScoped<IDataSeeder<IdentityDbContext>, DemoSeeder>();
        builder.AddAuthorizationServer();
        builder.Services.AddSingleton<KeyRotationService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KeyRotationService>());
        return builder;
    }
}
