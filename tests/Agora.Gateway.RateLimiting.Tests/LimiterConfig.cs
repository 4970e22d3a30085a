using System.Globalization;

namespace Agora.Gateway.RateLimiting.Tests;

/// <summary>Builds the <c>Agora:RateLimiting</c> settings of a test host.</summary>
internal sealed class LimiterConfig
{
    private const string At = AgoraRateLimitingOptions.SectionName;
    private readonly Dictionary<string, string?> _settings = [];
    private int _proxies;

    public LimiterConfig(RateLimitStoreKind store, string? keyPrefix = null, string? redis = null)
    {
        _settings[$"{At}:Store"] = store.ToString();
        if (store == RateLimitStoreKind.Redis)
        {
            _settings[$"{At}:Redis"] = redis ?? TestServers.Redis;
            _settings[$"{At}:KeyPrefix"] = keyPrefix ?? $"test:rl:{Guid.NewGuid():N}:";

            // Generous: these tests are about counting, and the shared test machine can stall a round trip for longer
            // than the production default (250 ms). Tests of the timeout itself set their own.
            _settings[$"{At}:RedisTimeout"] = "00:00:05";
        }
    }

    public LimiterConfig TokenBucket(string name, int capacity, double refillPerSecond, bool faultTolerant = true)
    {
        _settings[$"{At}:Policies:{name}:Algorithm"] = "TokenBucket";
        _settings[$"{At}:Policies:{name}:Capacity"] = capacity.ToString(CultureInfo.InvariantCulture);
        _settings[$"{At}:Policies:{name}:RefillPerSecond"] = refillPerSecond.ToString(CultureInfo.InvariantCulture);
        _settings[$"{At}:Policies:{name}:FaultTolerant"] = faultTolerant ? "true" : "false";
        return this;
    }

    public LimiterConfig Sliding(string name, params (int Limit, string Window)[] windows)
    {
        _settings[$"{At}:Policies:{name}:Algorithm"] = "SlidingWindow";
        for (var i = 0; i < windows.Length; i++)
        {
            _settings[$"{At}:Policies:{name}:Windows:{i}:Limit"] = windows[i].Limit.ToString(CultureInfo.InvariantCulture);
            _settings[$"{At}:Policies:{name}:Windows:{i}:Window"] = windows[i].Window;
        }

        return this;
    }

    public LimiterConfig Default(string name) => Set("DefaultPolicy", name);

    public LimiterConfig Trust(string proxy) => Set($"TrustedProxies:{_proxies++}", proxy);

    public LimiterConfig Set(string key, string value)
    {
        _settings[$"{At}:{key}"] = value;
        return this;
    }

    public Dictionary<string, string?> Build() => new(_settings);
}
