namespace Agora.Gateway.RateLimiting.Stores;

/// <summary>
/// The Lua scripts of the Redis store: one per algorithm, each a single atomic check-and-update of one key. Time is
/// Redis' own (<c>TIME</c>), so replicas with skewed clocks agree. The arithmetic mirrors
/// <see cref="Policies.Algorithms"/>; keep the two in step.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// KEYS[1] the bucket (hash: t = tokens, n = last refill in µs); ARGV capacity, tokens per second, TTL ms, permits
    /// (tokens to take; 0 only looks, needing one). Returns {allowed (0/1), tokens left (string, full precision)}.
    /// </summary>
    public const string TokenBucket = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local capacity = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local s = redis.call('HMGET', KEYS[1], 't', 'n')
        local tokens = tonumber(s[1])
        local last = tonumber(s[2])
        if tokens == nil or last == nil then
          tokens = capacity
          last = now
        end
        local elapsed = now - last
        if elapsed < 0 then elapsed = 0 end
        tokens = math.min(capacity, tokens + (elapsed * rate / 1000000))
        if now > last then last = now end
        local permits = tonumber(ARGV[4])
        local allowed = 0
        if tokens >= math.max(1, permits) then
          tokens = tokens - permits
          allowed = 1
        end
        local text = string.format('%.17g', tokens)
        redis.call('HSET', KEYS[1], 't', text, 'n', string.format('%.0f', last))
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return {allowed, text}
        """;

    /// <summary>
    /// KEYS[1] the partition (hash: per window i the fields i&lt;i&gt; = fixed-window index, c&lt;i&gt; = its count,
    /// p&lt;i&gt; = the previous window's count); ARGV window count, then limit and length in ms per window, then TTL ms,
    /// then permits (what the request counts; 0 only looks, needing room for one). Counts the permits in every window only
    /// if all admit them (weighted count + max(1, permits) ≤ limit).
    /// Returns {allowed (0/1), now ms, then index, count, previous count per window}.
    /// </summary>
    public const string SlidingWindow = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local n = tonumber(ARGV[1])
        local permits = tonumber(ARGV[2 * n + 3])
        local need = math.max(1, permits)
        local fields = {}
        for i = 1, n do
          fields[#fields + 1] = 'i' .. i
          fields[#fields + 1] = 'c' .. i
          fields[#fields + 1] = 'p' .. i
        end
        local s = redis.call('HMGET', KEYS[1], unpack(fields))
        for i = 1, n do
          local stored = tonumber(s[3 * i - 2])
          if stored ~= nil and stored * tonumber(ARGV[2 * i + 1]) > now then now = stored * tonumber(ARGV[2 * i + 1]) end
        end
        local index, cur, prev = {}, {}, {}
        local allowed = 1
        for i = 1, n do
          local limit = tonumber(ARGV[2 * i])
          local w = tonumber(ARGV[2 * i + 1])
          local idx = math.floor(now / w)
          local stored = tonumber(s[3 * i - 2])
          local c = tonumber(s[3 * i - 1]) or 0
          local p = tonumber(s[3 * i]) or 0
          if stored ~= idx then
            if stored == idx - 1 then p = c else p = 0 end
            c = 0
          end
          local elapsed = now - idx * w
          if (p * (w - elapsed) / w) + c + need > limit then allowed = 0 end
          index[i], cur[i], prev[i] = idx, c, p
        end
        local out = {allowed, now}
        local set = {}
        for i = 1, n do
          if allowed == 1 then cur[i] = cur[i] + permits end
          set[#set + 1] = 'i' .. i
          set[#set + 1] = string.format('%.0f', index[i])
          set[#set + 1] = 'c' .. i
          set[#set + 1] = cur[i]
          set[#set + 1] = 'p' .. i
          set[#set + 1] = prev[i]
          out[#out + 1] = index[i]
          out[#out + 1] = cur[i]
          out[#out + 1] = prev[i]
        end
        redis.call('HSET', KEYS[1], unpack(set))
        redis.call('PEXPIRE', KEYS[1], ARGV[2 * n + 2])
        return out
        """;
}
