using GraphQL.Validation;
using GraphQLParser.AST;

namespace Agora.GraphQL.Execution;

/// <summary>GET may run queries only (GraphQL over HTTP): a mutation must be a POST, so a link or an image tag cannot trigger one.</summary>
internal sealed class GetOnlyQueriesRule : ValidationRuleBase
{
    public const string Code = "MUTATION_OVER_GET";

    public static readonly GetOnlyQueriesRule Instance = new();

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
        new(context.Operation.Operation == OperationType.Query
            ? null
            : new MatchingNodeVisitor<GraphQLOperationDefinition>((operation, ctx) =>
            {
                if (ReferenceEquals(operation, ctx.Operation))
                {
                    ctx.ReportError(new ValidationError(ctx.Document.Source, null,
                        $"A {operation.Operation.ToString().ToLowerInvariant()} must be sent with POST; GET runs queries only.", operation) { Code = Code });
                }
            }));
}
