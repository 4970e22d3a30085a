using Agora.Identity.Features.ApiKeys;
using Agora.Identity.Features.Users;
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
        builder.Services.AddOptions<PasswordHasherOptions>()
            .Configure(o => o.IterationCount = PasswordHashing.DefaultIterationCount)
            .BindConfiguration(PasswordHashing.SectionName)
            .Validate(o => o.CompatibilityMode == PasswordHasherCompatibilityMode.IdentityV3 && o.IterationCount >= PasswordHashing.MinIterationCount,
                $"{PasswordHashing.SectionName}: IdentityV3 with at least {PasswordHashing.MinIterationCount} iterations.")
            .ValidateOnStart();
        builder.Services.AddScoped<UserAccounts>();
        builder.Services.AddGrpc(o => o.EnableDetailedErrors = false);
        builder.AddUsersAuthorization();
        builder.AddIdentityOpenApi();
        builder.AddApiKeys();
        builder.Services.AddScoped<IDataSeeder<IdentityDbContext>, DemoSeeder>();
        builder.AddAuthorizationServer();
        builder.Services.AddSingleton<KeyRotationService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KeyRotationService>());
        return builder;
    }
}
