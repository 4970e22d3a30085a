using GraphQL;
using GraphQL.Execution;
using GraphQL.Validation;
using Microsoft.AspNetCore.Http;

namespace Agora.GraphQL;

/// <summary>
/// Where a document's cost goes before it runs: the host registers one that charges the caller's rate limit (the gateway
/// takes the cost from the same budget the request itself counted against). Without one, nothing is charged.
/// </summary>
public interface IGraphQLCostGate
{
    /// <summary>
    /// Charges <paramref name="cost"/> for the request of <paramref name="context"/> (it has already been counted once as
    /// a request: charge what is beyond that).
    /// </summary>
    ValueTask<GraphQLCostDecision> ChargeAsync(HttpContext context, int cost, CancellationToken cancellationToken);
}

/// <summary>Whether the cost was admitted; when not, how long until it would be.</summary>
/// <param name="Allowed">The document may run.</param>
/// <param name="RetryAfter">When refused: the wait before the same document would be admitted.</param>
public readonly record struct GraphQLCostDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>The cost a GraphQL answer reports.</summary>
public static class GraphQLCost
{
    /// <summary>Response header with the document's cost (backend-resolving fields, at least 1), set once it is priced.</summary>
    public const string Header = "X-GraphQL-Cost";

    /// <summary><c>extensions.code</c> of a document refused because the caller's rate limit cannot pay for it.</summary>
    public const string RateLimited = "RATE_LIMITED";
}

/// <summary>
/// Charges a valid document's cost through <see cref="IGraphQLCostGate"/> after validation and before execution; a refusal
/// becomes one <c>RATE_LIMITED</c> error and nothing runs.
/// </summary>
internal sealed class CostChargingListener(HttpContext http, IGraphQLCostGate gate, Execution.DocumentBudget budget) : DocumentExecutionListenerBase
{
    /// <summary>Set when the cost was refused.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    public override async Task AfterValidationAsync(IExecutionContext context, IValidationResult validationResult)
    {
        http.Response.Headers[GraphQLCost.Header] = budget.Cost.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!validationResult.IsValid)
        {
            return;
        }

        var decision = await gate.ChargeAsync(http, budget.Cost, context.CancellationToken);
        if (!decision.Allowed)
        {
            RetryAfter = decision.RetryAfter;
            var seconds = Math.Max(1, (long)Math.Ceiling(decision.RetryAfter.TotalSeconds));
            context.Errors.Add(new ExecutionError(
                $"This document costs {budget.Cost} (fields that call the services) and your rate limit has less left; retry after {seconds} s or ask for less.")
            {
                Code = GraphQLCost.RateLimited,
            });
        }
    }
}
