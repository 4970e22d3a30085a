using Agora.GraphQL.Backends;
using Agora.GraphQL.Loading;
using GraphQL;
using GraphQL.Validation.Complexity;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.GraphQL.Schema;

/// <summary>Helpers shared by the graph types.</summary>
internal static class Resolving
{
    /// <summary>Default page size of every list argument.</summary>
    public const int DefaultLimit = 20;

    /// <summary>Largest page size of every list argument (the REST APIs' <c>per_page</c> maximum).</summary>
    public const int MaxLimit = 100;

    public static T Service<T>(this IResolveFieldContext context) where T : notnull =>
        context.RequestServices!.GetRequiredService<T>();

    public static RequestLoaders Loaders(this IResolveFieldContext context) => context.Service<RequestLoaders>();

    /// <summary>The <c>limit</c> argument, checked to be 1–100.</summary>
    public static int Limit(this IResolveFieldContext context, string name = "limit")
    {
        var limit = context.GetArgument<int?>(name) ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit)
        {
            throw new BackendException(GraphQLErrorCodes.ValidationError, $"{name} must be between 1 and {MaxLimit}.", "graphql",
                details: [new BackendFieldError(name, $"1 to {MaxLimit}.")]);
        }

        return limit;
    }

    /// <summary>
    /// Complexity of a list field: 1 for the field, and what is selected below it counted once per item it may return
    /// (its <c>limit</c> argument, else <paramref name="expected"/>).
    /// </summary>
    public static FieldComplexityResult ListImpact(FieldImpactContext context, int expected = DefaultLimit)
    {
        var limit = context.GetArgument<int?>("limit", null) ?? expected;
        return new FieldComplexityResult(1, Math.Clamp(limit, 1, MaxLimit));
    }
}
