using System.ComponentModel.DataAnnotations;

namespace Agora.GraphQL;

/// <summary>
/// <c>GraphQL</c> section: the limits of the <c>/graphql</c> endpoint. Backend addresses are the shared
/// <c>Agora:Services:{name}:Http</c> and <c>Agora:Services:{name}:Grpc</c> keys (defaults: the AppHost's ports).
/// </summary>
public sealed class AgoraGraphQLOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "GraphQL";

    /// <summary>
    /// Deepest selection allowed (<c>users { orders { items { product { category { name } } } } }</c> is 6). Default 10.
    /// Deeper documents are refused before anything runs.
    /// </summary>
    [Range(1, 100)]
    public int MaxDepth { get; set; } = 10;

    /// <summary>
    /// Highest complexity allowed: every field costs 1, and a list field multiplies what is below it by its
    /// <c>limit</c> argument (else by 20). Default 50,000: the 20 users × 20 orders × items of a page fit, a
    /// document that asks for every product of every order of every user 100 at a time does not.
    /// </summary>
    [Range(1, 100_000_000)]
    public int MaxComplexity { get; set; } = 50_000;

    /// <summary>
    /// Answer introspection (<c>__schema</c>, <c>__type</c>). Default (unset): on in Development and Testing, off
    /// elsewhere; the schema is published in the repository (contracts/graphql/schema.graphql) either way.
    /// </summary>
    public bool? EnableIntrospection { get; set; }

    /// <summary>Longest query text accepted, in characters. Default 20,000.</summary>
    [Range(100, 1_000_000)]
    public int MaxQueryLength { get; set; } = 20_000;
}
