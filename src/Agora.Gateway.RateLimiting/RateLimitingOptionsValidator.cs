using Agora.Http;
using Microsoft.Extensions.Options;

namespace Agora.Gateway.RateLimiting;

/// <summary>Checks the configuration at start, naming every mistake.</summary>
internal sealed class RateLimitingOptionsValidator : IValidateOptions<AgoraRateLimitingOptions>
{
    public ValidateOptionsResult Validate(string? name, AgoraRateLimitingOptions options)
    {
        var errors = new List<string>();
        const string at = AgoraRateLimitingOptions.SectionName;
        if (options.DefaultPolicy is { Length: > 0 } d && !options.Policies.ContainsKey(d)
            && !options.Policies.Keys.Any(k => string.Equals(k, d, StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"{at}:DefaultPolicy names '{d}', which is not under {at}:Policies.");
        }

        if (options.PreAuthentication.Policy is { Length: > 0 } pre
            && !options.Policies.Keys.Any(k => string.Equals(k, pre, StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"{at}:PreAuthentication:Policy names '{pre}', which is not under {at}:Policies.");
        }

        if (options.RedisTimeout <= TimeSpan.Zero || options.RedisTimeout > TimeSpan.FromSeconds(10))
        {
            errors.Add($"{at}:RedisTimeout must be between 1 ms and 10 s (default 00:00:00.250).");
        }

        foreach (var proxy in options.TrustedProxies)
        {
            try
            {
                TrustedProxies.Parse(proxy);
            }
            catch (FormatException ex)
            {
                errors.Add($"{at}:TrustedProxies: {ex.Message}");
            }
        }

        var usesRedis = false;
        foreach (var (policyName, p) in options.Policies)
        {
            var where = $"{at}:Policies:{policyName}";
            if (policyName.Equals("default", StringComparison.OrdinalIgnoreCase) || policyName.Equals("disable", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{where}: 'default' and 'disable' are reserved by YARP's RateLimiterPolicy; choose another name.");
            }

            usesRedis |= (p.Store ?? options.Store) == RateLimitStoreKind.Redis;
            if (p.Algorithm == RateLimitAlgorithm.TokenBucket)
            {
                if (p.Capacity < 1)
                {
                    errors.Add($"{where}:Capacity must be at least 1.");
                }

                if (!(p.RefillPerSecond > 0) || double.IsInfinity(p.RefillPerSecond))
                {
                    errors.Add($"{where}:RefillPerSecond must be a positive number.");
                }

                continue;
            }

            var windows = p.Windows.Select(w => (w.Limit, w.Window)).ToList();
            if (p.Limit is not null || p.Window is not null)
            {
                if (windows.Count > 0)
                {
                    errors.Add($"{where}: give either Limit and Window or Windows, not both.");
                }
                else if (p.Limit is null || p.Window is null)
                {
                    errors.Add($"{where}: Limit and Window go together.");
                }
                else
                {
                    windows.Add((p.Limit.Value, p.Window.Value));
                }
            }

            if (windows.Count == 0)
            {
                errors.Add($"{where}: a sliding window policy needs Limit and Window, or Windows.");
            }

            foreach (var (limit, window) in windows)
            {
                if (limit < 1)
                {
                    errors.Add($"{where}: a window's Limit must be at least 1.");
                }

                if (window < TimeSpan.FromSeconds(1) || window.Ticks % TimeSpan.TicksPerMillisecond != 0)
                {
                    errors.Add($"{where}: a window must be at least 1 second, in whole milliseconds (got {window}).");
                }
            }

            if (windows.Select(w => w.Window).Distinct().Count() != windows.Count)
            {
                errors.Add($"{where}: two windows of the same length.");
            }
        }

        if (usesRedis && string.IsNullOrWhiteSpace(options.Redis))
        {
            errors.Add($"{at}:Redis (a Redis connection string) is required when a policy uses the Redis store.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
