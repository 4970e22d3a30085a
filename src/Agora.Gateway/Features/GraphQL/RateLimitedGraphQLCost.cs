using Agora.Gateway.RateLimiting;
using Agora.GraphQL;

namespace Agora.Gateway.Features.GraphQL;

/// <summary>
/// A GraphQL document's cost taken from the caller's rate limit: the request counted one when the limiter admitted it,
/// the rest (<c>cost − 1</c>) is taken from the same policy and consumer before the document runs; if that does not fit,
/// the document is refused (429 <c>RATE_LIMITED</c>, nothing taken, nothing run).
/// </summary>
internal sealed class RateLimitedGraphQLCost : IGraphQLCostGate
{
    public async ValueTask<GraphQLCostDecision> ChargeAsync(HttpContext context, int cost, CancellationToken cancellationToken)
    {
        if (cost <= 1 || context.Features.Get<IAgoraRateLimitFeature>() is not { } limit)
        {
            return new GraphQLCostDecision(true, TimeSpan.Zero);
        }

        var charge = await limit.TryAcquireAsync(cost - 1, cancellationToken);
        return new GraphQLCostDecision(charge.Allowed, charge.RetryAfter);
    }
}
