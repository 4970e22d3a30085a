using Agora.Gateway.RateLimiting.Policies;

namespace Agora.Gateway.RateLimiting.Stores;

/// <summary>Keeps a policy's counters and decides one request atomically.</summary>
internal interface IRateLimitStore
{
    /// <summary>
    /// Counts <paramref name="permits"/> of <paramref name="partition"/> against <paramref name="policy"/> if they all fit
    /// (1 for a request, more for a costly one; 0 only looks whether one more request would fit).
    /// </summary>
    /// <exception cref="RateLimitStoreUnavailableException">The store could not be reached in time.</exception>
    ValueTask<RateLimitDecision> AcquireAsync(RateLimitPolicy policy, string partition, int permits, CancellationToken cancellationToken);
}

/// <summary>The store did not answer (unreachable, timed out, refused); the policy fails open or closed.</summary>
internal sealed class RateLimitStoreUnavailableException(string message, Exception inner) : Exception(message, inner);
