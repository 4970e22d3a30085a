using Agora.Hosting;
using Agora.ServiceDefaults.Caching;
using Agora.Testing;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.ServiceDefaults.Tests.Caching;

/// <summary>Two instances of one service on one Redis (the distributed mode): an eviction reaches both in-process caches.</summary>
public sealed class CacheEvictionsTests
{
    [Fact]
    public async Task Evict_OnOneInstance_TheOtherStopsServingItsOldCopy()
    {
        var service = "evictions-test-" + Guid.NewGuid().ToString("N")[..8];
        await using var a = await Instance.StartAsync(service);
        await using var b = await Instance.StartAsync(service);
        var key = "product:" + Guid.NewGuid().ToString("N");
        var evictedOnB = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Evictions.Evicted += k => evictedOnB.TrySetResult(k);

        Assert.Equal("v1", await a.GetAsync(key, "v1"));
        Assert.Equal("v1", await b.GetAsync(key, "v1")); // both hold v1 in their own memory now
        Assert.Equal("v1", await b.GetAsync(key, "v2")); // ... and b serves it even though the source says v2

        await a.Evictions.EvictAsync(key); // a changed the product

        Assert.Equal(key, await evictedOnB.Task.WaitAsync(Poll.DefaultTimeout));
        Assert.Equal("v2", await b.GetAsync(key, "v2"));
        Assert.Equal("v2", await a.GetAsync(key, "v2"));
    }

    private sealed class Instance : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;

        private Instance(ServiceProvider provider)
        {
            _provider = provider;
            Evictions = provider.GetRequiredService<CacheEvictions>();
        }

        public CacheEvictions Evictions { get; }

        public static async Task<Instance> StartAsync(string service)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration["ConnectionStrings:redis"] = TestServers.Redis;
            builder.Services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
            builder.AddAgoraCaching(new AgoraOptions { ServiceName = service, Mode = AgoraMode.Distributed });
            var provider = builder.Services.BuildServiceProvider();
            await ((IHostedService)provider.GetRequiredService<CacheEvictions>()).StartAsync(CancellationToken.None);
            return new Instance(provider);
        }

        /// <summary>The cached value, or <paramref name="source"/> (what the database says now) when nothing is cached.</summary>
        public async Task<string> GetAsync(string key, string source) =>
            await _provider.GetRequiredService<HybridCache>().GetOrCreateAsync(key, _ => ValueTask.FromResult(source),
                new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(5), LocalCacheExpiration = TimeSpan.FromMinutes(5) });

        public async ValueTask DisposeAsync()
        {
            await Evictions.DisposeAsync();
            await _provider.DisposeAsync();
        }
    }
}
