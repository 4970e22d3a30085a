namespace Agora.Gateway.RateLimiting;

/// <summary>One consumer's refusals as <see cref="RateLimitedConsumers"/> counts them.</summary>
/// <param name="Consumer">The partition key: <c>sub:…</c>, <c>client:…</c>, <c>key:…</c> or <c>ip:…</c>.</param>
/// <param name="Rejections">Requests refused with 429 (an upper bound once the table has had to evict: see <see cref="RateLimitedConsumers"/>).</param>
/// <param name="Policy">The policy that refused it last.</param>
/// <param name="LastRejectedAt">When it was last refused.</param>
public sealed record RateLimitedConsumer(string Consumer, long Rejections, string Policy, DateTimeOffset LastRejectedAt);

/// <summary>
/// The consumers refused most (429), in process, for the staff console's edge page. Bounded: at most
/// <see cref="Capacity"/> consumers are tracked; a new one arriving at a full table replaces the one with the fewest
/// refusals and inherits its count plus one (the Space-Saving algorithm), so a heavy hitter is never lost and a count
/// is never low, only possibly high by the evicted count. Only refused requests touch it (admitted ones never do), and
/// a refusal of a known consumer allocates nothing.
/// </summary>
public sealed class RateLimitedConsumers(TimeProvider time)
{
    /// <summary>How many consumers the table holds at most.</summary>
    public const int Capacity = 256;

    private sealed class Entry(string policy, long rejections, long lastTicks)
    {
        public string Policy = policy;
        public long Rejections = rejections;
        public long LastTicks = lastTicks;
    }

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Counts one 429 for <paramref name="consumer"/> by <paramref name="policy"/>.</summary>
    public void Rejected(string consumer, string policy)
    {
        var now = time.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            if (_entries.TryGetValue(consumer, out var entry))
            {
                entry.Rejections++;
                entry.Policy = policy;
                entry.LastTicks = now;
                return;
            }

            long inherited = 0;
            if (_entries.Count >= Capacity)
            {
                string? fewest = null;
                foreach (var (key, candidate) in _entries)
                {
                    if (fewest is null || candidate.Rejections < inherited)
                    {
                        fewest = key;
                        inherited = candidate.Rejections;
                    }
                }

                _entries.Remove(fewest!);
            }

            _entries.Add(consumer, new Entry(policy, inherited + 1, now));
        }
    }

    /// <summary>The <paramref name="count"/> consumers refused most, most first (ties: the latest refusal first).</summary>
    public IReadOnlyList<RateLimitedConsumer> Top(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            return _entries
                .OrderByDescending(e => e.Value.Rejections).ThenByDescending(e => e.Value.LastTicks).ThenBy(e => e.Key, StringComparer.Ordinal)
                .Take(count)
                .Select(e => new RateLimitedConsumer(e.Key, e.Value.Rejections, e.Value.Policy, new DateTimeOffset(e.Value.LastTicks, TimeSpan.Zero)))
                .ToList();
        }
    }
}
