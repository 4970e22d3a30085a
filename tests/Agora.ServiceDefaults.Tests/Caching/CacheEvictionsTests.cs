using Agora.Hosting;
using Agora.ServiceDefaults.Caching;
using Agora.Testing;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Agora.ServiceDefaults.Tests.Caching;

/// <summary>Two instances of one service on one Redis (the distributed mode): an eviction reaches both in-process caches.</summary>
public sealed class CacheEvictionsTests
{
    private readonly string _service = "evictions-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _key = "product:" + Guid.NewGuid().ToString("N");
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Evict_OnOneInstance_TheOtherStopsServingItsOldCopy()
    {
        await using var a = await Instance.StartAsync(_service, _time);
        await using var b = await Instance.StartAsync(_service, _time);
        var evictedOnB = b.NextEviction();

        await BothHoldV1Async(a, b);

        await a.Evictions.EvictAsync(_key); // a changed the product

        Assert.Equal(_key, await evictedOnB.WaitAsync(Poll.DefaultTimeout));
        Assert.Equal("v2", await b.GetAsync(_key, "v2"));
        Assert.Equal("v2", await a.GetAsync(_key, "v2"));
    }

    [Fact]
    public async Task An_old_copy_written_just_after_the_eviction_is_removed_when_the_eviction_repeats()
    {
        await using var a = await Instance.StartAsync(_service, _time);
        await using var b = await Instance.StartAsync(_service, _time);
        await BothHoldV1Async(a, b);
        var evictedOnB = b.NextEviction();
        await a.Evictions.EvictAsync(_key);
        await evictedOnB.WaitAsync(Poll.DefaultTimeout);

        // A read on a that began before the change finishes now: HybridCache writes its old value to Redis and to a's
        // own memory after the eviction ran (what its background L2 write does when it is slower than the eviction).
        await a.Cache.SetAsync(_key, "v1", Instance.Entry);
        Assert.Equal("v1", await b.GetAsync(_key, "v2")); // without the repeat b would serve this for Redis's expiry
        var repeatedOnB = b.NextEviction();

        _time.Advance(CacheEvictions.RepeatAfter);

        Assert.Equal(_key, await repeatedOnB.WaitAsync(Poll.DefaultTimeout));
        await Poll.UntilAsync(async () => await a.GetAsync(_key, "v2") == "v2", "a drops its old copy when the eviction repeats");
        Assert.Equal("v2", await b.GetAsync(_key, "v2"));
    }

    [Fact]
    public async Task Evictions_of_one_key_in_quick_succession_repeat_once_per_interval_not_once_each()
    {
        await using var a = await Instance.StartAsync(_service, _time);
        await using var b = await Instance.StartAsync(_service, _time);
        var heard = 0;
        b.Evictions.Evicted += _ => Interlocked.Increment(ref heard);
        for (var i = 0; i < 5; i++)
        {
            await a.Evictions.EvictAsync(_key);
        }

        await Poll.UntilAsync(() => Volatile.Read(ref heard) == 5, "b hears the five evictions");
        _time.Advance(CacheEvictions.RepeatAfter);
        await Poll.UntilAsync(() => Volatile.Read(ref heard) == 6, "one repeat for the first");
        _time.Advance(CacheEvictions.RepeatAfter);
        await Poll.UntilAsync(() => Volatile.Read(ref heard) == 7, "one more for those made while it was pending");
        _time.Advance(CacheEvictions.RepeatAfter);
        await Poll.StaysAsync(() => Task.FromResult(Volatile.Read(ref heard)), n => n == 7, "no further repeats", TimeSpan.FromMilliseconds(500));
    }

    /// <summary>a reads v1 from the source and its Redis write lands; b reads it from Redis; both now hold v1 in memory.</summary>
    private async Task BothHoldV1Async(Instance a, Instance b)
    {
        Assert.Equal("v1", await a.GetAsync(_key, "v1"));
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis))
        {
            var l2Key = $"agora:{_service}:{_key}";
            await Poll.UntilAsync(() => redis.GetDatabase().KeyExistsAsync(l2Key), "a's background write reaches Redis");
        }

        Assert.Equal("v1", await b.GetAsync(_key, "v1"));
        Assert.Equal("v1", await b.GetAsync(_key, "v2")); // b serves its own copy even though the source says v2
    }

    private sealed class Instance : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;

        private Instance(ServiceProvider provider)
        {
            _provider = provider;
            Evictions = provider.GetRequiredService<CacheEvictions>();
            Cache = provider.GetRequiredService<HybridCache>();
        }

        public static HybridCacheEntryOptions Entry { get; } = new() { Expiration = TimeSpan.FromMinutes(5), LocalCacheExpiration = TimeSpan.FromMinutes(5) };

        public CacheEvictions Evictions { get; }

        public HybridCache Cache { get; }

        public static async Task<Instance> StartAsync(string service, TimeProvider time)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration["ConnectionStrings:redis"] = TestServers.Redis;
            builder.Services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
            builder.Services.AddSingleton(time);
            builder.AddAgoraCaching(new AgoraOptions { ServiceName = service, Mode = AgoraMode.Distributed });
            var provider = builder.Services.BuildServiceProvider();
            await ((IHostedService)provider.GetRequiredService<CacheEvictions>()).StartAsync(CancellationToken.None);
            return new Instance(provider);
        }

        /// <summary>The next key another instance evicts here.</summary>
        public Task<string> NextEviction()
        {
            var next = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            void Once(string key)
            {
                Evictions.Evicted -= Once;
                next.TrySetResult(key);
            }

            Evictions.Evicted += Once;
            return next.Task;
        }

        /// <summary>The cached value, or <paramref name="source"/> (what the database says now) when nothing is cached.</summary>
        public async Task<string> GetAsync(string key, string source) =>
            await Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(source), Entry);

        public async ValueTask DisposeAsync()
        {
            await Evictions.DisposeAsync();
            await _provider.DisposeAsync();
        }
    }
}
