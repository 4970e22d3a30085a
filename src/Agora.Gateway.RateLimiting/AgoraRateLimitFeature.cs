using Microsoft.AspNetCore.Http;

namespace Agora.Gateway.RateLimiting;

/// <summary>
/// Set on a request the rate limiter admitted (<c>HttpContext.Features.Get&lt;IAgoraRateLimitFeature&gt;()</c>): lets an
/// endpoint whose requests cost more than one (a GraphQL document that resolves many backend fields) charge the rest to
/// the same consumer and policy before it does the work. Absent when no policy applies or the store could not be asked.
/// </summary>
public interface IAgoraRateLimitFeature
{
    /// <summary>The policy that admitted the request.</summary>
    string Policy { get; }

    /// <summary>
    /// Takes <paramref name="permits"/> more from the consumer's budget if they all fit; nothing is taken otherwise. The
    /// response's rate limit headers then describe the budget after this charge (and carry <c>Retry-After</c> when it was
    /// refused). A fault-tolerant policy whose store is unreachable admits.
    /// </summary>
    ValueTask<AgoraRateLimitCharge> TryAcquireAsync(int permits, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IAgoraRateLimitFeature.TryAcquireAsync"/>.</summary>
/// <param name="Allowed">The permits were taken.</param>
/// <param name="RetryAfter">When refused: how long until that many would fit, assuming no other traffic.</param>
/// <param name="Remaining">What is left in the tightest window after the charge (unknown when the store was not asked: -1).</param>
public readonly record struct AgoraRateLimitCharge(bool Allowed, TimeSpan RetryAfter, long Remaining);

/// <summary>
/// Which requests the pre-authentication stage counts against their client address, before their credentials are
/// checked: the gateway registers one (requests with an API key it has not verified yet). Such a request is counted in
/// its route's policy as <c>ip:…</c> once, before authentication; if its credentials then fail, it is not counted again.
/// </summary>
public interface IPreAuthenticationScreen
{
    /// <summary>True when <paramref name="context"/> carries credentials not yet known to be good.</summary>
    bool CountByAddress(HttpContext context);
}
