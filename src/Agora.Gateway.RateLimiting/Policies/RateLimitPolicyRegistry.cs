using System.Runtime.CompilerServices;
using Agora.Gateway.RateLimiting.Stores;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Agora.Gateway.RateLimiting.Policies;

/// <summary>The configured policies, their stores, and which policy an endpoint runs (cached per endpoint).</summary>
internal sealed class RateLimitPolicyRegistry : IDisposable
{
    private readonly Dictionary<string, RateLimitPolicy> _policies = new(StringComparer.OrdinalIgnoreCase);
    private readonly RateLimitPolicy? _default;
    private readonly string[] _exempt;
    private readonly ConditionalWeakTable<Endpoint, Selection> _selections = [];

    public RateLimitPolicyRegistry(IOptions<AgoraRateLimitingOptions> options, TimeProvider time)
    {
        var o = options.Value;
        foreach (var (name, policyOptions) in o.Policies)
        {
            var store = policyOptions.Store ?? o.Store;
            var policy = new RateLimitPolicy(name, policyOptions, store);
            if (store == RateLimitStoreKind.Redis)
            {
                (Redis ??= new RedisRateLimitStore(o)).Attach(policy);
            }
            else
            {
                (Local ??= new LocalRateLimitStore(time)).Attach(policy);
            }

            _policies.Add(name, policy);
        }

        _default = o.DefaultPolicy is { Length: > 0 } d ? _policies[d] : null;
        _exempt = [.. o.ExemptFromDefault.Where(p => p.Length > 0).Select(p => "/" + p.Trim('/'))];
    }

    /// <summary>The in-process store, if any policy uses it.</summary>
    public LocalRateLimitStore? Local { get; }

    /// <summary>The Redis store, if any policy uses it.</summary>
    public RedisRateLimitStore? Redis { get; }

    public IReadOnlyCollection<RateLimitPolicy> Policies => _policies.Values;

    public RateLimitPolicy? Find(string name) => _policies.GetValueOrDefault(name);

    /// <summary>
    /// The policy of <paramref name="endpoint"/>: <c>RequireAgoraRateLimit</c>, else YARP's / ASP.NET's
    /// <see cref="EnableRateLimitingAttribute"/> (when it names one of ours), none under
    /// <see cref="DisableRateLimitingAttribute"/>, else the default policy (unless the route is under
    /// <see cref="AgoraRateLimitingOptions.ExemptFromDefault"/>).
    /// </summary>
    public RateLimitPolicy? Resolve(Endpoint? endpoint)
    {
        if (endpoint is null)
        {
            return _default;
        }

        if (!_selections.TryGetValue(endpoint, out var selection))
        {
            selection = new Selection(Select(endpoint));
            _selections.AddOrUpdate(endpoint, selection);
        }

        return selection.Policy;
    }

    private RateLimitPolicy? Select(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<AgoraRateLimitMetadata>() is { } agora)
        {
            return Find(agora.PolicyName)
                ?? throw new InvalidOperationException(
                    $"Endpoint '{endpoint.DisplayName}' requires rate limit policy '{agora.PolicyName}', which is not configured under Policies.");
        }

        if (endpoint.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null)
        {
            return null;
        }

        if (endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>() is { PolicyName: { } name })
        {
            // A name that is not ours belongs to ASP.NET's own rate limiter (if the host uses one).
            return Find(name);
        }

        return IsExempt(endpoint) ? null : _default;
    }

    /// <summary>Whether <paramref name="endpoint"/>'s route is under <see cref="AgoraRateLimitingOptions.ExemptFromDefault"/>.</summary>
    public bool IsExempt(Endpoint? endpoint)
    {
        if (endpoint is null)
        {
            return false;
        }

        if (endpoint is not RouteEndpoint { RoutePattern.RawText: { } template })
        {
            return false;
        }

        var path = "/" + template.TrimStart('/');
        foreach (var prefix in _exempt)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && (path.Length == prefix.Length || path[prefix.Length] == '/'))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        Local?.Dispose();
        Redis?.Dispose();
    }

    private sealed record Selection(RateLimitPolicy? Policy);
}

/// <summary>Endpoint metadata added by <c>RequireAgoraRateLimit</c>.</summary>
internal sealed record AgoraRateLimitMetadata(string PolicyName);
