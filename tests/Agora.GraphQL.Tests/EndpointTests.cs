using System.Net;
using System.Text;
using Agora.GraphQL.Tests.Infrastructure;
using static Agora.GraphQL.Tests.Infrastructure.GraphQLAssert;

namespace Agora.GraphQL.Tests;

/// <summary>
/// The HTTP side of <c>/graphql</c> and its limits (the same in both modes, so run on the embedded shop): GET and POST,
/// malformed requests, mutations over GET, the depth limit and the introspection switch. Nothing a client sends is a 500.
/// </summary>
[Collection(nameof(EmbeddedShop))]
public sealed class EndpointTests(EmbeddedShopFixture shop)
{
    private GraphQLHost Host => shop.GraphQL;

    [Fact]
    public async Task Get_Query_Answered()
    {
        var response = await Host.Client.GetAsync("/graphql?query=" + Uri.EscapeDataString("query($n: Int) { products(limit: $n) { items { id } } }")
            + "&variables=" + Uri.EscapeDataString("""{"n": 2}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Data(await response.BodyAsync())["products"]!["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Get_Mutation_405AndNothingChanged()
    {
        var email = $"get.{Guid.NewGuid():N}@example.com";
        var response = await Host.Client.GetAsync("/graphql?query=" + Uri.EscapeDataString(
            $$"""mutation { createUser(input: { name: "Via Get", email: "{{email}}", password: "{{ShopFixture.Password}}" }) { id } }"""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        var body = await response.BodyAsync();
        Assert.Equal("MUTATION_OVER_GET", (string?)Errors(body).Single()!["extensions"]!["code"]);
        Assert.Null(body["data"]);

        var again = await Host.QueryAsync(
            $$"""mutation { createUser(input: { name: "Via Post", email: "{{email}}", password: "{{ShopFixture.Password}}" }) { id } }""");
        Assert.StartsWith("usr_", (string?)Data(again)["createUser"]!["id"]); // the email was still free
    }

    [Theory]
    [InlineData("{\"query\": ", "INVALID_JSON")]
    [InlineData("[1, 2]", "INVALID_JSON")]
    [InlineData("{\"variables\": {}}", "BAD_REQUEST")]
    [InlineData("{\"query\": \"{ categories { id } }\", \"variables\": \"nope\"}", "INVALID_JSON")]
    public async Task Post_NotAGraphQLRequest_400WithCodeAndRequestId(string json, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Request-ID", "req-bad-1");
        var response = await Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Errors(await response.BodyAsync()).Single()!;
        Assert.Equal(code, (string?)error["extensions"]!["code"]);
        Assert.Equal("req-bad-1", (string?)error["extensions"]!["request_id"]);
    }

    [Fact]
    public async Task Post_WrongMediaType_415()
    {
        using var content = new StringContent("{ categories { id } }", Encoding.UTF8, "text/plain");
        var response = await Host.Client.PostAsync("/graphql", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", (string?)Errors(await response.BodyAsync()).Single()!["extensions"]!["code"]);
    }

    [Fact]
    public async Task Put_405()
    {
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");
        var response = await Host.Client.PutAsync("/graphql", content);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("METHOD_NOT_ALLOWED", (string?)Errors(await response.BodyAsync()).Single()!["extensions"]!["code"]);
    }

    [Theory]
    [InlineData("{ categories { id ")]
    [InlineData("{ nope }")]
    [InlineData("{ users(limit: \"x\") { id } }")]
    [InlineData("query($id: ID!) { user(id: $id) { id } }")]
    public async Task BadQuery_GraphQLErrorsNeverA500(string query)
    {
        Host.Calls.Clear();
        var response = await Host.PostAsync(query, requestId: "req-bad-query");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.BodyAsync();
        Assert.Null(body["data"]);
        var error = Errors(body).First()!;
        Assert.False(string.IsNullOrEmpty((string?)error["extensions"]!["code"]));
        Assert.Equal("req-bad-query", (string?)error["extensions"]!["request_id"]);
        Assert.Empty(Host.Calls.All);
    }

    [Fact]
    public async Task Depth_OverTheLimit_Refused_UnderIt_Answered()
    {
        await using var shallow = await GraphQLHost.StartAsync(shop.Backends, new Dictionary<string, string?> { ["GraphQL:MaxDepth"] = "3" });
        var ok = await shallow.QueryAsync("{ products(limit: 1) { items { name } } }");
        Assert.Single(Data(ok)["products"]!["items"]!.AsArray());

        shallow.Calls.Clear();
        var deep = await shallow.QueryAsync("{ products(limit: 1) { items { category { name } } } }");
        Assert.Null(deep["data"]);
        Assert.Contains("depth", (string?)Errors(deep).Single()!["message"], StringComparison.OrdinalIgnoreCase);
        Assert.Empty(shallow.Calls.All);
    }

    [Fact]
    public async Task Introspection_OnInTesting_OffByConfiguration()
    {
        const string Introspect = "{ __schema { queryType { name } } }";
        Assert.Equal("Query", (string?)Data(await Host.QueryAsync(Introspect))["__schema"]!["queryType"]!["name"]);

        await using var closed = await GraphQLHost.StartAsync(shop.Backends, new Dictionary<string, string?> { ["GraphQL:EnableIntrospection"] = "false" });
        var refused = await closed.QueryAsync(Introspect);
        Assert.Null(refused["data"]);
        var error = Errors(refused).Single()!;
        Assert.False(string.IsNullOrEmpty((string?)error["extensions"]!["code"]));
        Assert.False(string.IsNullOrEmpty((string?)error["extensions"]!["request_id"]));
        Assert.NotEmpty(Data(await closed.QueryAsync("{ categories { id } }"))["categories"]!.AsArray());
    }
}
