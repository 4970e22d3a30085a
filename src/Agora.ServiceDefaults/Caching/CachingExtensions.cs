using Agora.Hosting;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agora.ServiceDefaults.Caching;

internal static class CachingExtensions
{
    /// <summary>HybridCache: in-process L1 always; Redis as L2 in the distributed mode.</summary>
    public static IHostApplicationBuilder AddAgoraCaching(this IHostApplicationBuilder builder, AgoraOptions options)
    {
        string? redis = null;
        if (options.Mode == AgoraMode.Distributed)
        {
            redis = builder.Configuration.GetConnectionString("redis");
            if (string.IsNullOrWhiteSpace(redis))
            {
                throw new InvalidOperationException("Distributed mode needs Redis: set ConnectionStrings:redis.");
            }

            builder.Services.AddStackExchangeRedisCache(o =>
            {
                o.Configuration = redis;
                o.InstanceName = $"agora:{options.ServiceName}:";
            });
            builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
                "redis", sp => new RedisHealthCheck(redis), null, [HealthTags.Ready], TimeSpan.FromSeconds(3)));
        }

        builder.Services.AddHybridCache(o =>
        {
            o.DefaultEntryOptions = new HybridCacheEntryOptions
            {
                Expiration = TimeSpan.FromMinutes(5),
                LocalCacheExpiration = TimeSpan.FromMinutes(1),
            };
        });

        // Evictions reach every instance's in-process copy (distributed mode: over Redis pub/sub).
        builder.Services.AddSingleton(sp => new CacheEvictions(
            sp.GetRequiredService<HybridCache>(), redis, options.ServiceName, sp.GetRequiredService<ILogger<CacheEvictions>>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CacheEvictions>());
        return builder;
    }
}
