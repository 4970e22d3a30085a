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
    /// Deepest selection allowed (<c>users { orders { items { product { category { name } } } } }</c> is 6), not counting
    /// introspection (<see cref="MaxIntrospectionDepth"/>). Default 10. Deeper documents are refused before anything runs
    /// (<c>QUERY_TOO_DEEP</c>).
    /// </summary>
    [Range(1, 100)]
    public int MaxDepth { get; set; } = 10;

    /// <summary>
    /// Deepest selection allowed under <c>__schema</c> and <c>__type</c>. Default 20: the standard introspection query of
    /// GraphiQL and graphql-js (its TypeRef fragment nests <c>ofType</c> nine times) is 15 deep; <c>__type</c> can
    /// otherwise be nested without end.
    /// </summary>
    [Range(1, 100)]
    public int MaxIntrospectionDepth { get; set; } = 20;

    /// <summary>
    /// Most aliased fields a document may use, counted wherever a fragment is spread (<c>TOO_MANY_ALIASES</c>). Default 20:
    /// aliases are how one request asks for the same thing many times (500 × <c>order(id:)</c> in 11 KB).
    /// </summary>
    [Range(0, 10_000)]
    public int MaxAliases { get; set; } = 20;

    /// <summary>
    /// Most fields that call a service a document may select (<c>TOO_MANY_BACKEND_FIELDS</c>): every root field, and
    /// <c>User.orders</c>, <c>OrderItem.product</c>, <c>Product.category</c>, <c>SearchHit.product</c>,
    /// <c>CategoryFacet.category</c> (batched per request, so one each, however many parents). Counted wherever a
    /// fragment is spread. Default 20. Their number, at least 1, is the document's <b>cost</b>: reported in
    /// <c>X-GraphQL-Cost</c> and, at the gateway, taken from the caller's rate limit before the document runs.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxBackendFields { get; set; } = 20;

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
