using System.Text.Json.Nodes;

using Agora.Testing.Contracts;

namespace Agora.Catalog.Tests.Contracts;

/// <summary>The breaking-change checker on small hand-written documents.</summary>
public sealed class OpenApiContractTests
{
    private const string Published = """
        {
          "openapi": "3.1.1",
          "paths": {
            "/things/{id}": {
              "get": {
                "parameters": [
                  { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                  { "name": "expand", "in": "query", "schema": { "type": "string" } }
                ],
                "responses": {
                  "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
                  "404": { "content": { "application/json": { "schema": { "type": "object" } } } }
                }
              }
            }
          },
          "components": {
            "schemas": {
              "Thing": {
                "type": "object",
                "required": ["id"],
                "properties": {
                  "id": { "type": "string" },
                  "count": { "type": "integer", "format": "int32" },
                  "parent": { "oneOf": [ { "type": "null" }, { "$ref": "#/components/schemas/Thing" } ] }
                }
              }
            }
          }
        }
        """;

    private static IReadOnlyList<string> Check(Action<JsonNode> change)
    {
        var live = JsonNode.Parse(Published)!;
        change(live);
        return OpenApiContract.FindBreakingChanges(JsonNode.Parse(Published)!, live);
    }

    [Fact]
    public void FindBreakingChanges_SameDocument_FindsNothing() => Assert.Empty(Check(_ => { }));

    [Fact]
    public void FindBreakingChanges_PathRemoved_IsReported()
    {
        var problems = Check(d => d["paths"]!.AsObject().Remove("/things/{id}"));
        Assert.Equal(["/things/{id}: path removed"], problems);
    }

    [Fact]
    public void FindBreakingChanges_PathOperationAndPropertyAdded_AreNotBreaking()
    {
        var problems = Check(d =>
        {
            d["paths"]!["/others"] = JsonNode.Parse("""{ "get": { "responses": { "200": {} } } }""");
            d["paths"]!["/things/{id}"]!["delete"] = JsonNode.Parse("""{ "responses": { "204": {} } }""");
            d["components"]!["schemas"]!["Thing"]!["properties"]!["name"] = JsonNode.Parse("""{ "type": "string" }""");
            d["paths"]!["/things/{id}"]!["get"]!["responses"]!["429"] = JsonNode.Parse("{}");
        });
        Assert.Empty(problems);
    }

    [Fact]
    public void FindBreakingChanges_PropertyRemovedBehindRef_IsReportedOnceWithItsPlace()
    {
        var problems = Check(d => d["components"]!["schemas"]!["Thing"]!["properties"]!.AsObject().Remove("count"));
        Assert.Equal(["GET /things/{id}: response 200 (application/json) [Thing]: property count removed"], problems);
    }

    [Fact]
    public void FindBreakingChanges_PropertyTypeChanged_IsReported()
    {
        var problems = Check(d => d["components"]!["schemas"]!["Thing"]!["properties"]!["count"]!["format"] = "int64");
        Assert.Equal(["GET /things/{id}: response 200 (application/json) [Thing].count: type changed from integer/int32 to integer/int64"], problems);
    }

    [Fact]
    public void FindBreakingChanges_ParameterBecameRequiredAndResponseRemoved_AreReported()
    {
        var problems = Check(d =>
        {
            d["paths"]!["/things/{id}"]!["get"]!["parameters"]![1]!["required"] = true;
            d["paths"]!["/things/{id}"]!["get"]!["responses"]!.AsObject().Remove("404");
        });
        Assert.Equal(["GET /things/{id}: parameter expand (in query) became required", "GET /things/{id}: response 404 removed"], problems);
    }

    [Fact]
    public void FindBreakingChanges_ResponsePropertyNoLongerRequired_IsReported()
    {
        var problems = Check(d => d["components"]!["schemas"]!["Thing"]!.AsObject().Remove("required"));
        Assert.Equal(["GET /things/{id}: response 200 (application/json) [Thing]: property id is no longer always present"], problems);
    }

    [Fact]
    public void Canonicalize_KeyOrder_DoesNotMatter()
    {
        var a = OpenApiContract.Canonicalize(JsonNode.Parse("""{ "b": 1, "a": { "y": "x+y", "x": [2, 1] } }""")!);
        var b = OpenApiContract.Canonicalize(JsonNode.Parse("""{ "a": { "x": [2, 1], "y": "x+y" }, "b": 1 }""")!);
        Assert.Equal(a, b);
        Assert.Equal("{\n  \"a\": {\n    \"x\": [\n      2,\n      1\n    ],\n    \"y\": \"x+y\"\n  },\n  \"b\": 1\n}\n", a);
    }
}
