using Agora.Gateway.RateLimiting.Policies;

namespace Agora.Gateway.RateLimiting.Stores;

/// <summary>Keeps a policy's counters and decides one request atomically.</summary>
internal interface IRateLimitStore
{
    /// <summary>Counts one request of <paramref name="partition"/> against <paramref name="policy"/>.</summary>
    /// <exception cref="RateLimitStoreUnavailableException">The store could not be reached in time.</exception>
    ValueTask<RateLimitDecision> AcquireAsync(RateLimitPolicy policy, string partition, CancellationToken cancellationToken);
}

/// <summary>The store did not answer (unreachable, timed out, refused); the policy fails open or closed.</summary>
internal sealed class RateLimitStoreUnavailableException(string message, Exception inner) : Exception(message, inner);
