using Microsoft.Extensions.Time.Testing;

namespace Agora.Gateway.RateLimiting.Tests;

/// <summary>The bounded top list of refused consumers (the staff console's edge page): order, bound, and eviction.</summary>
public sealed class RateLimitedConsumersTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Top_MostRefusedFirst_WithTheLastPolicyAndTime()
    {
        var consumers = new RateLimitedConsumers(_time);
        consumers.Rejected("ip:192.0.2.1", "anonymous");
        for (var i = 0; i < 3; i++)
        {
            consumers.Rejected("sub:usr_a", "standard");
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        consumers.Rejected("sub:usr_a", "reduced");
        consumers.Rejected("key:k1", "partner");

        var top = consumers.Top(2);
        Assert.Equal(
            [new RateLimitedConsumer("sub:usr_a", 4, "reduced", _time.GetUtcNow()), new RateLimitedConsumer("key:k1", 1, "partner", _time.GetUtcNow())],
            top);
    }

    [Fact]
    public void AFullTable_EvictsTheLeastRefused_AndNeverLosesAHeavyHitter()
    {
        var consumers = new RateLimitedConsumers(_time);
        for (var i = 0; i < 10; i++)
        {
            consumers.Rejected("sub:heavy", "standard");
        }

        for (var i = 0; i < RateLimitedConsumers.Capacity * 4; i++)
        {
            consumers.Rejected("ip:198.51.100." + i, "anonymous");
        }

        var all = consumers.Top(RateLimitedConsumers.Capacity * 8);
        Assert.Equal(RateLimitedConsumers.Capacity, all.Count);
        Assert.Equal(new RateLimitedConsumer("sub:heavy", 10, "standard", _time.GetUtcNow()), all[0]);

        // The newest arrival is tracked, with at least its own refusal (an upper bound: it inherited the evicted count).
        Assert.Contains(all, c => c.Consumer == "ip:198.51.100." + (RateLimitedConsumers.Capacity * 4 - 1) && c.Rejections >= 1);
    }
}
