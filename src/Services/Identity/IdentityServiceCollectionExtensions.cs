using Microsoft.AspNetCore.Identity;

namespace Agora.Identity;

internal static class IdentityServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddIdentityService(this IHostApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddValidatedOptions<IdentityOptions>(IdentityOptions.SectionName)
            .Validate(o => development || o.SeedDemoAccounts != true,
                "Identity:SeedDemoAccounts=true: the demo accounts exist only in the Development environment (ASPNETCORE_ENVIRONMENT=Development).");
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<IdentityOptions>, ClientsValidator>();
        builder.Services.AddScoped<IPasswordHasher<User>, PasswordHasher<User>>();
        builder.Services.AddOptions<PasswordHasherOptions>()
            .Configure(o => o.IterationCount = PasswordHashing.DefaultIterationCount)
            .BindConfiguration(PasswordHashing.SectionName)
            .Validate(o => o.CompatibilityMode == PasswordHasherCompatibilityMode.IdentityV3 && o.IterationCount >= PasswordHashing.MinIterationCount,
                $"{PasswordHashing.SectionName}: IdentityV3 with at least {PasswordHashing.MinIterationCount} iterations.")
            .ValidateOnStart();
        builder.Services.AddScoped<UserAccounts>();
        builder.Services.AddValidatedOptions<LoginThrottleOptions>(LoginThrottleOptions.SectionName)
            .Validate(o => o.AccountLockoutFailures > o.AccountFreeFailures && o.NetworkLockoutFailures > o.NetworkFreeFailures
                && o.FirstDelay > TimeSpan.Zero && o.MaxDelay >= o.FirstDelay && o.LockoutDuration > TimeSpan.Zero && o.Window > TimeSpan.Zero,
                $"{LoginThrottleOptions.SectionName}: lockout after more failures than the free ones; positive delays, lockout and window.");
        builder.Services.AddOptions<LoginThrottleOptions>()
            .Validate(o => TrustedProxies.AreValid(o.TrustedProxies),
                $"{LoginThrottleOptions.SectionName}:TrustedProxies: IP addresses or CIDR networks (the gateway's).");
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<DummyPasswordHash>();
        builder.Services.AddGrpc(o => o.EnableDetailedErrors = false);
        builder.AddUsersAuthorization();
        builder.AddIdentityOpenApi();
        builder.AddApiKeys();
        builder.Services.AddScoped<IDataSeeder<IdentityDbContext>, DemoSeeder>();
        builder.Services.AddScoped<IDataSeeder<IdentityDbContext>, ConfiguredClientsSeeder>();
        builder.AddKeyProtection();
        builder.AddAuthorizationServer();
        builder.Services.AddSingleton<KeyRotationService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KeyRotationService>());
        return builder;
    }
}
