using Microsoft.Extensions.Options;

namespace Agora.Gateway.RateLimiting.Tests;

/// <summary>A wrong configuration stops the gateway at start, naming each mistake.</summary>
[Collection("local")]
public sealed class ConfigurationTests
{
    [Fact]
    public async Task InvalidConfiguration_FailsAtStart_NamingEveryMistake()
    {
        var settings = new LimiterConfig(RateLimitStoreKind.Local)
            .TokenBucket("bucket", 0, -1)
            .Sliding("window", (0, "00:00:00.5"))
            .Set("Policies:shared:Store", "Redis")
            .Set("Policies:shared:Limit", "10")
            .Default("missing")
            .Trust("not-an-address")
            .Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => LimiterHost.StartAsync(settings));

        Assert.Contains(error.Failures, f => f.Contains("DefaultPolicy names 'missing'"));
        Assert.Contains(error.Failures, f => f.Contains("Policies:bucket:Capacity"));
        Assert.Contains(error.Failures, f => f.Contains("Policies:bucket:RefillPerSecond"));
        Assert.Contains(error.Failures, f => f.Contains("Policies:window: a window's Limit"));
        Assert.Contains(error.Failures, f => f.Contains("Policies:window: a window must be at least 1 second"));
        Assert.Contains(error.Failures, f => f.Contains("Policies:shared: Limit and Window go together"));
        Assert.Contains(error.Failures, f => f.Contains("TrustedProxies: 'not-an-address'"));
        Assert.Contains(error.Failures, f => f.Contains("Agora:RateLimiting:Redis"));
    }
}
