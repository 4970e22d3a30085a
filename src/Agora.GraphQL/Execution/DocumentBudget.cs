using GraphQL;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser;
using GraphQLParser.AST;

namespace Agora.GraphQL.Execution;

/// <summary>What the selected operation of a document would cost, measured before anything runs.</summary>
internal sealed class DocumentBudget
{
    /// <summary>Aliased fields, counted once per place they are used (a fragment spread three times counts three times).</summary>
    public int Aliases { get; set; }

    /// <summary>Fields whose resolver calls a service (<see cref="BackendFields.Cost"/>), counted the same way.</summary>
    public int BackendFields { get; set; }

    /// <summary>Deepest field outside introspection (a root field is at depth 1).</summary>
    public int Depth { get; set; }

    /// <summary>Deepest field inside <c>__schema</c> / <c>__type</c>.</summary>
    public int IntrospectionDepth { get; set; }

    /// <summary>Fields visited, fragments expanded: too many is a document built to be expensive to look at.</summary>
    public int Visited { get; set; }

    /// <summary>What the request is charged to the caller's rate limit: its backend fields, and at least 1.</summary>
    public int Cost => Math.Max(1, BackendFields);
}

/// <summary>Marks fields whose resolvers call a service, so documents can be priced by them.</summary>
internal static class BackendFields
{
    private const string CostKey = "agora.backend_cost";

    /// <summary>This field calls a service (or a request-wide DataLoader batch of one): it costs one backend call.</summary>
    public static TMetadataWriter BackendCall<TMetadataWriter>(this TMetadataWriter field)
        where TMetadataWriter : IMetadataWriter => field.WithMetadata(CostKey, 1);

    /// <summary>The backend calls one use of <paramref name="field"/> costs: 0 for fields that read what is already loaded.</summary>
    public static int Cost(this FieldType field) => field.GetMetadata(CostKey, 0);
}

/// <summary>
/// Prices the selected operation before it runs (fragments expanded where they are spread, introspection counted apart)
/// and refuses it, with one error in GraphQL's format and an <c>extensions.code</c>, when it has more aliases than
/// <see cref="AgoraGraphQLOptions.MaxAliases"/> (<c>TOO_MANY_ALIASES</c>), more backend-resolving fields than
/// <see cref="AgoraGraphQLOptions.MaxBackendFields"/> (<c>TOO_MANY_BACKEND_FIELDS</c>), is deeper than
/// <see cref="AgoraGraphQLOptions.MaxDepth"/> or, inside introspection, <see cref="AgoraGraphQLOptions.MaxIntrospectionDepth"/>
/// (<c>QUERY_TOO_DEEP</c>), or takes more than <see cref="MaxVisits"/> field visits to price (<c>QUERY_TOO_COMPLEX</c>).
/// The price is left in the request's <see cref="DocumentBudget"/> for the rate limit.
/// </summary>
internal sealed class DocumentBudgetRule(AgoraGraphQLOptions options) : ValidationRuleBase
{
    public const string TooManyAliases = "TOO_MANY_ALIASES";
    public const string TooManyBackendFields = "TOO_MANY_BACKEND_FIELDS";
    public const string TooDeep = "QUERY_TOO_DEEP";
    public const string TooComplex = "QUERY_TOO_COMPLEX";

    /// <summary>Field visits the pricing may take: fragments spread inside fragments can multiply a small text.</summary>
    public const int MaxVisits = 10_000;

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
    {
        if (context.Operation is not { } operation)
        {
            return default;
        }

        IGraphType? root = operation.Operation switch
        {
            OperationType.Query => context.Schema.Query,
            OperationType.Mutation => context.Schema.Mutation,
            _ => context.Schema.Subscription,
        };
        var budget = context.RequestServices?.GetService(typeof(DocumentBudget)) as DocumentBudget ?? new DocumentBudget();
        if (root is not null)
        {
            new Pricing(context, budget, options).Visit(operation.SelectionSet, root, 0, false);
        }

        var error = budget.Visited > MaxVisits
            ? Error(context, operation, TooComplex, $"The document is too complex to price (more than {MaxVisits} fields once its fragments are expanded).")
            : budget.Aliases > options.MaxAliases
            ? Error(context, operation, TooManyAliases,
                $"The document uses {budget.Aliases} aliases; at most {options.MaxAliases} are allowed. Ask for fewer things per request.")
            : budget.BackendFields > options.MaxBackendFields
            ? Error(context, operation, TooManyBackendFields,
                $"The document asks for {budget.BackendFields} fields that call the services; at most {options.MaxBackendFields} are allowed per request.")
            : budget.Depth > options.MaxDepth
            ? Error(context, operation, TooDeep, $"The query is too nested: depth {budget.Depth}; the maximum depth is {options.MaxDepth}.")
            : budget.IntrospectionDepth > options.MaxIntrospectionDepth
            ? Error(context, operation, TooDeep,
                $"The introspection query is too nested: depth {budget.IntrospectionDepth}; the maximum depth is {options.MaxIntrospectionDepth}.")
            : null;
        if (error is not null)
        {
            context.ReportError(error);
        }

        return default;
    }

    private static ValidationError Error(ValidationContext context, ASTNode node, string code, string message) =>
        new(context.Document.Source, null, message, node) { Code = code };

    private sealed class Pricing(ValidationContext context, DocumentBudget budget, AgoraGraphQLOptions options)
    {
        private readonly HashSet<string> _spreading = new(StringComparer.Ordinal);

        public void Visit(GraphQLSelectionSet set, IGraphType parent, int depth, bool introspection)
        {
            foreach (var selection in set.Selections)
            {
                // Stop as soon as the document is refused either way: no use walking a million fields.
                if (++budget.Visited > MaxVisits || budget.Aliases > options.MaxAliases || budget.BackendFields > options.MaxBackendFields)
                {
                    return;
                }

                switch (selection)
                {
                    case GraphQLField field:
                        Field(field, parent, depth + 1, introspection);
                        break;
                    case GraphQLInlineFragment inline:
                        Visit(inline.SelectionSet, TypeOf(inline.TypeCondition) ?? parent, depth, introspection);
                        break;
                    case GraphQLFragmentSpread spread:
                        var name = spread.FragmentName.Name.StringValue;
                        if (context.Document.FindFragmentDefinition(spread.FragmentName.Name.Value) is { } fragment && _spreading.Add(name))
                        {
                            Visit(fragment.SelectionSet, TypeOf(fragment.TypeCondition) ?? parent, depth, introspection);
                            _spreading.Remove(name);
                        }

                        break;
                }
            }
        }

        private void Field(GraphQLField field, IGraphType parent, int depth, bool introspection)
        {
            if (field.Alias is not null)
            {
                budget.Aliases++;
            }

            var name = field.Name.StringValue;
            FieldType? definition;
            if (name == "__typename")
            {
                return;
            }

            if (name is "__schema" or "__type" && ReferenceEquals(parent, context.Schema.Query))
            {
                introspection = true;
                definition = name == "__schema" ? context.Schema.SchemaMetaFieldType : context.Schema.TypeMetaFieldType;
            }
            else
            {
                // Unknown fields are the core rules' to report.
                definition = (parent as IComplexGraphType)?.GetField(name);
            }

            if (introspection)
            {
                budget.IntrospectionDepth = Math.Max(budget.IntrospectionDepth, depth);
            }
            else
            {
                budget.Depth = Math.Max(budget.Depth, depth);
                budget.BackendFields += definition?.Cost() ?? 0;
            }

            if (field.SelectionSet is not null && definition?.ResolvedType?.GetNamedType() is { } type)
            {
                Visit(field.SelectionSet, type, depth, introspection);
            }
        }

        private IGraphType? TypeOf(GraphQLTypeCondition? condition) =>
            condition is null ? null : context.Schema.AllTypes[condition.Type.Name.StringValue];
    }
}
