using Agora.Gateway.RateLimiting.Partitioning;
using Agora.Gateway.RateLimiting.Policies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Agora.Gateway.RateLimiting;

/// <summary>
/// Wiring of the gateway's rate limiting: <c>services.AddAgoraRateLimiting(section)</c>, then
/// <c>app.UseAgoraRateLimiting()</c> after authentication. Routes pick a policy by name: YARP's
/// <c>"RateLimiterPolicy": "name"</c>, or <see cref="RequireAgoraRateLimit{TBuilder}"/> on other endpoints.
/// </summary>
public static class RateLimitingExtensions
{
    /// <summary>
    /// Registers the policies of <paramref name="configuration"/> (see <see cref="AgoraRateLimitingOptions"/>), validated at
    /// start. In the distributed mode (<c>Agora:Mode=Distributed</c>) policies use Redis unless the section sets
    /// <c>Store</c>, and <c>Redis</c> defaults to <c>ConnectionStrings:redis</c>. Each policy name is also registered with ASP.NET Core's <see cref="RateLimiterOptions"/> as a no-op
    /// policy, because YARP checks route <c>RateLimiterPolicy</c> names there; the limiting itself is done here.
    /// </summary>
    /// <param name="services">The gateway's services.</param>
    /// <param name="configuration">The <c>Agora:RateLimiting</c> section, or the root configuration holding it.</param>
    public static IServiceCollection AddAgoraRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var nested = configuration.GetSection(AgoraRateLimitingOptions.SectionName);
        var section = nested.Exists() ? nested : configuration;
        services.AddOptions<AgoraRateLimitingOptions>()
            .Bind(section)
            .PostConfigure<IServiceProvider>((options, sp) => ApplyMode(options, section, sp.GetService<IConfiguration>()))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgoraRateLimitingOptions>, RateLimitingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<RateLimitTelemetry>();
        services.TryAddSingleton<RateLimitedConsumers>();
        services.TryAddSingleton<RateLimitResponder>();
        services.TryAddSingleton<RateLimitPolicyRegistry>();
        services.TryAddSingleton(sp => new ConsumerPartitioner(sp.GetRequiredService<IOptions<AgoraRateLimitingOptions>>().Value.TrustedProxies));
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AgoraRateLimitingOptions>>((limiter, ours) =>
        {
            foreach (var name in ours.Value.Policies.Keys)
            {
                limiter.AddPolicy(name, static _ => System.Threading.RateLimiting.RateLimitPartition.GetNoLimiter(0));
            }
        });
        return services;
    }

    /// <summary>
    /// The two modes (docs/architecture.md §2): with <c>Agora:Mode=Distributed</c> and no <c>Store</c> in the section, policies
    /// default to the Redis store; a missing <c>Redis</c> setting falls back to <c>ConnectionStrings:redis</c>.
    /// </summary>
    private static void ApplyMode(AgoraRateLimitingOptions options, IConfiguration section, IConfiguration? root)
    {
        if (root is null)
        {
            return;
        }

        if (section[nameof(AgoraRateLimitingOptions.Store)] is null
            && string.Equals(root["Agora:Mode"], "Distributed", StringComparison.OrdinalIgnoreCase))
        {
            options.Store = RateLimitStoreKind.Redis;
        }

        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            options.Redis = root.GetConnectionString("redis");
        }
    }

    /// <summary>
    /// Adds the rate limiting middleware. Place it after <c>UseAuthentication</c> (the partition is the token's
    /// <c>sub</c> / <c>client_id</c> or the API key's <c>api_key_id</c> claim, else the client IP) and before the
    /// endpoints (YARP's <c>MapReverseProxy</c>). Connects to Redis now when a policy uses it.
    /// </summary>
    public static IApplicationBuilder UseAgoraRateLimiting(this IApplicationBuilder app)
    {
        var registry = app.ApplicationServices.GetRequiredService<RateLimitPolicyRegistry>();
        registry.Redis?.Start();
        return app.UseMiddleware<RateLimitingMiddleware>();
    }

    /// <summary>
    /// Adds the stage before authentication (<see cref="PreAuthenticationOptions"/>): place it after routing and before
    /// <c>UseAuthentication</c>, with <see cref="UseAgoraRateLimiting"/> after authentication. Requests an
    /// <see cref="IPreAuthenticationScreen"/> flags are counted by address here and not again after authentication if
    /// their credentials fail.
    /// </summary>
    public static IApplicationBuilder UseAgoraPreAuthenticationRateLimiting(this IApplicationBuilder app)
    {
        var registry = app.ApplicationServices.GetRequiredService<RateLimitPolicyRegistry>();
        registry.Redis?.Start();
        return app.UseMiddleware<PreAuthenticationRateLimitingMiddleware>();
    }

    /// <summary>Limits the endpoint(s) by the named policy (for endpoints that are not YARP routes).</summary>
    public static TBuilder RequireAgoraRateLimit<TBuilder>(this TBuilder builder, string policyName)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);
        return builder.WithMetadata(new AgoraRateLimitMetadata(policyName));
    }
}
