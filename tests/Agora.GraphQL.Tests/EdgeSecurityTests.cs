using System.Net;
using Agora.GraphQL.Tests.Infrastructure;
using static Agora.GraphQL.Tests.Infrastructure.GraphQLAssert;

namespace Agora.GraphQL.Tests;

/// <summary>
/// Issue 11, item 7: one document must not fan out to hundreds of backend calls (aliases and backend-resolving fields are
/// capped, and refused before anything runs), and the standard introspection query of GraphiQL and graphql-js tooling
/// is answered where introspection is on. The cost reaching the caller's rate limit is tested through the gateway
/// (Agora.Gateway.Tests, EdgeSecurityTests), where the BFF runs.
/// </summary>
[Collection(nameof(EmbeddedShop))]
public sealed class EdgeSecurityTests(EmbeddedShopFixture shop)
{
    private GraphQLHost Host => shop.GraphQL;

    [Fact]
    public async Task FiveHundredAliasesOfOrder_RefusedUpFront_NoBackendCalled()
    {
        var customer = shop.Customers[0];
        // About 13 KB: within the length limit, as in the attack.
        var query = "query($a: ID!, $b: ID!) { " + string.Join(" ", Enumerable.Range(0, 500).Select(i => $"o{i}: order(id: ${(i % 2 == 0 ? "a" : "b")}) {{ id }}")) + " }";
        Host.Calls.Clear();

        var body = await Host.QueryAsync(query, new { a = customer.OrderIds[0], b = customer.OrderIds[1] }, customer.Token);

        Assert.Null(body["data"]);
        var error = Errors(body).First()!;
        Assert.Equal("TOO_MANY_ALIASES", (string?)error["extensions"]!["code"]);
        Assert.Contains("alias", (string?)error["message"], StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty((string?)error["extensions"]!["request_id"]));
        Assert.Empty(Host.Calls.All);
    }

    [Fact]
    public async Task ManyBackendFields_OverTheCap_RefusedUpFront_UnderItAnswered()
    {
        await using var capped = await GraphQLHost.StartAsync(shop.Backends, new Dictionary<string, string?> { ["GraphQL:MaxBackendFields"] = "3" });
        const string Four = "{ categories { id } products(limit: 1) { items { category { name } } } search(q: \"a\") { total } }";
        const string Two = "{ categories { id } products(limit: 1) { items { name } } }";

        var refused = await capped.QueryAsync(Four);

        Assert.Null(refused["data"]);
        var error = Errors(refused).Single()!;
        Assert.Equal("TOO_MANY_BACKEND_FIELDS", (string?)error["extensions"]!["code"]);
        Assert.Empty(capped.Calls.All);
        Assert.NotEmpty(Data(await capped.QueryAsync(Two))["categories"]!.AsArray());
    }

    [Fact]
    public async Task BackendFieldsInAFragmentSpreadManyTimes_CountedPerSpread()
    {
        await using var capped = await GraphQLHost.StartAsync(shop.Backends, new Dictionary<string, string?> { ["GraphQL:MaxBackendFields"] = "10" });
        var query = "query { " + string.Join(" ", Enumerable.Range(0, 6).Select(i => $"p{i}: products(limit: {i + 1}) {{ ...Items }}"))
            + " } fragment Items on ProductPage { items { category { name } } }";

        var refused = await capped.QueryAsync(query);

        Assert.Null(refused["data"]);
        Assert.Equal("TOO_MANY_BACKEND_FIELDS", (string?)Errors(refused).Single()!["extensions"]!["code"]);
        Assert.Empty(capped.Calls.All);
    }

    [Fact]
    public async Task StandardIntrospectionQuery_OfGraphiQLAndGraphQLJs_IsAnswered()
    {
        Host.Calls.Clear();

        var body = await Host.QueryAsync(IntrospectionQuery);

        var schema = Data(body)["__schema"]!;
        Assert.Equal("Query", (string?)schema["queryType"]!["name"]);
        Assert.Contains(schema["types"]!.AsArray(), t => (string?)t!["name"] == "Order");
        Assert.Empty(Host.Calls.All);
    }

    [Fact]
    public async Task Introspection_NestedWithoutEnd_StillRefusedByItsOwnDepthLimit()
    {
        var deep = "{ __type(name: \"Query\") " + string.Concat(Enumerable.Repeat("{ fields { type ", 12)) + "{ name }"
            + string.Concat(Enumerable.Repeat(" } }", 12)) + " }";

        var body = await Host.QueryAsync(deep);

        Assert.Null(body["data"]);
        Assert.Contains("depth", (string?)Errors(body).Single()!["message"], StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>graphql-js 16's <c>getIntrospectionQuery()</c> (what GraphiQL sends), with its nine-deep TypeRef fragment.</summary>
    private const string IntrospectionQuery = """
        query IntrospectionQuery {
          __schema {
            queryType { name }
            mutationType { name }
            subscriptionType { name }
            types { ...FullType }
            directives { name description locations args { ...InputValue } }
          }
        }
        fragment FullType on __Type {
          kind name description
          fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
          inputFields { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
          possibleTypes { ...TypeRef }
        }
        fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
        fragment TypeRef on __Type {
          kind name
          ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
            ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
        }
        """;
}
