using Agora.Gateway.RateLimiting.Partitioning;
using Agora.Gateway.RateLimiting.Policies;
using Agora.Gateway.RateLimiting.Stores;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Agora.Gateway.RateLimiting;

/// <summary>
/// The stage before authentication, by client address: every request against
/// <see cref="PreAuthenticationOptions.Policy"/> (the per-address ceiling), and a request whose credentials are not yet
/// known to be good (<see cref="IPreAuthenticationScreen"/>) against its route's policy as that address — so a flood of
/// made-up keys is refused here, without anyone being asked about them, once the address has used what an anonymous
/// caller gets.
/// </summary>
internal sealed class PreAuthenticationRateLimitingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly RateLimitPolicyRegistry _registry;
    private readonly ConsumerPartitioner _partitioner;
    private readonly RateLimitResponder _responder;
    private readonly IPreAuthenticationScreen[] _screens;
    private readonly RateLimitPolicy? _ceiling;

    public PreAuthenticationRateLimitingMiddleware(
        RequestDelegate next,
        RateLimitPolicyRegistry registry,
        ConsumerPartitioner partitioner,
        RateLimitResponder responder,
        IEnumerable<IPreAuthenticationScreen> screens,
        IOptions<AgoraRateLimitingOptions> options)
    {
        _next = next;
        _registry = registry;
        _partitioner = partitioner;
        _responder = responder;
        _screens = [.. screens];
        _ceiling = options.Value.PreAuthentication.Policy is { Length: > 0 } name ? registry.Find(name) : null;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        string? address = null;
        // Probes are never refused; scrapes of /metrics are (they need credentials at an edge, and checking those costs).
        if (_ceiling is not null && !context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase))
        {
            address = _partitioner.AddressPartition(context);
            var (decision, failure) = await AcquireAsync(_ceiling, address, context);
            if (failure is not null)
            {
                if (!_ceiling.FaultTolerant)
                {
                    await _responder.StoreFailedAsync(context, _ceiling, failure, _next);
                    return;
                }

                _responder.Telemetry.StoreFailed(_ceiling, failure);
            }
            else if (!decision.Allowed)
            {
                await _responder.RefuseAsync(context, _ceiling, address, decision);
                return;
            }
        }

        if (Unverified(context) && _registry.Resolve(endpoint) is { } policy)
        {
            address ??= _partitioner.AddressPartition(context);
            var (decision, failure) = await AcquireAsync(policy, address, context);
            if (failure is not null)
            {
                // Not counted here: the stage after authentication decides (and reports) as it would have.
                _responder.Telemetry.StoreFailed(policy, failure);
            }
            else if (!decision.Allowed)
            {
                await _responder.RefuseAsync(context, policy, address, decision);
                return;
            }
            else
            {
                context.Features.Set(new PreCounted(policy, address, decision));
            }
        }

        await _next(context);
    }

    private bool Unverified(HttpContext context)
    {
        foreach (var screen in _screens)
        {
            if (screen.CountByAddress(context))
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<(RateLimitDecision Decision, RateLimitStoreUnavailableException? Failure)> AcquireAsync(
        RateLimitPolicy policy, string partition, HttpContext context)
    {
        try
        {
            var decision = await policy.Store.AcquireAsync(policy, partition, 1, context.RequestAborted);
            _responder.Telemetry.Decided(policy, decision.Allowed);
            return (decision, null);
        }
        catch (RateLimitStoreUnavailableException ex)
        {
            return (default, ex);
        }
    }
}
