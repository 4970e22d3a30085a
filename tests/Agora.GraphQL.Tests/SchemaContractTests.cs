namespace Agora.GraphQL.Tests;

/// <summary>
/// The published schema, contracts/graphql/schema.graphql: the code must serve exactly it (rewrite it with
/// AGORA_UPDATE_CONTRACTS=1, refused when the change is breaking), and the breaking-change check itself must catch
/// what it claims to.
/// </summary>
public sealed class SchemaContractTests
{
    private static bool Updating => Environment.GetEnvironmentVariable(SchemaContract.UpdateVariable) == "1";

    [Fact]
    public void Schema_Live_HasNoBreakingChangesAgainstPublished()
    {
        Assert.True(File.Exists(SchemaContract.PublishedPath), $"{SchemaContract.PublishedPath} is missing; create it with {SchemaContract.UpdateCommand}");
        var problems = SchemaContract.FindBreakingChanges(File.ReadAllText(SchemaContract.PublishedPath), SchemaContract.LiveSdl());
        Assert.True(problems.Count == 0, "The GraphQL schema breaks its published contract:\n  - " + string.Join("\n  - ", problems)
            + "\nKeep what was published working: restore it, or add the new shape beside it (and deprecate the old).");
    }

    [Fact]
    public void Schema_Live_MatchesCommitted()
    {
        var live = SchemaContract.LiveSdl();
        var committed = File.Exists(SchemaContract.PublishedPath) ? File.ReadAllText(SchemaContract.PublishedPath).ReplaceLineEndings("\n") : "";
        if (live == committed)
        {
            return;
        }

        if (Updating)
        {
            var problems = committed.Length == 0 ? [] : SchemaContract.FindBreakingChanges(committed, live);
            Assert.True(problems.Count == 0, $"Not rewriting {SchemaContract.PublishedPath}: the change breaks it:\n  - " + string.Join("\n  - ", problems));
            Directory.CreateDirectory(Path.GetDirectoryName(SchemaContract.PublishedPath)!);
            File.WriteAllText(SchemaContract.PublishedPath, live);
            return;
        }

        Assert.Fail($"The schema the code serves differs from {SchemaContract.PublishedPath}. If intended, rewrite and commit it: {SchemaContract.UpdateCommand}");
    }

    [Fact]
    public void Schema_Seed23_NamesAndShapesAsGiven()
    {
        var sdl = SchemaContract.LiveSdl();
        foreach (var line in new[]
        {
            "type User {\n  id: ID!\n  name: String!\n  email: String!\n", "  orders(", "    limit: Int = 20): [Order!]!",
            "type Order {\n  id: ID!\n", "  total: Float!\n  status: OrderStatus!\n  items: [OrderItem!]!\n",
            "  user(id: ID!): User\n", "  users(", "    page: Int,", "    limit: Int): [User!]!\n",
            "  createUser(input: CreateUserInput!): User!", "  updateUser(id: ID!, input: UpdateUserInput!): User!",
        })
        {
            Assert.Contains("\n" + line, sdl);
        }
    }

    private const string Published = """
        type Query { user(id: ID!): User users(page: Int, limit: Int): [User!]! }
        type User { id: ID! name: String! orders(limit: Int = 20): [Order!]! }
        type Order { id: ID! status: OrderStatus! total: Float! }
        enum OrderStatus { PENDING PAID }
        input CreateUserInput { name: String! password: String }
        """;

    [Theory]
    [InlineData("type Query { user(id: ID!): User users(page: Int, limit: Int): [User!]! } type User { id: ID! name: String! orders(limit: Int = 20): [Order!]! nickname: String } type Order { id: ID! status: OrderStatus! total: Float! } enum OrderStatus { PENDING PAID SHIPPED } input CreateUserInput { name: String! password: String locale: String } type Extra { a: Int }", 0)]
    [InlineData("type Query { user(id: ID!): User users(page: Int, limit: Int): [User!]! } type User { id: ID! orders(limit: Int = 20): [Order!]! } type Order { id: ID! status: OrderStatus! total: Float! } enum OrderStatus { PENDING PAID } input CreateUserInput { name: String! password: String }", 1)]
    [InlineData("type Query { user(id: ID!): User users(page: Int, limit: Int): [User!]! } type User { id: ID! name: String orders(limit: Int = 20): [Order!]! } type Order { id: ID! status: OrderStatus! total: Float! } enum OrderStatus { PENDING } input CreateUserInput { name: String! password: String! }", 3)]
    [InlineData("type Query { user(id: ID!, tenant: ID!): User users(page: Int, limit: Int): [User!]! } type User { id: ID! name: String! orders(limit: Int = 20): [Order!]! } type Order { id: ID! status: OrderStatus! total: String! } enum OrderStatus { PENDING PAID } input CreateUserInput { name: String! password: String }", 2)]
    [InlineData("type Query { users(page: Int, limit: Int): [User!]! } type User { id: ID! name: String! orders(limit: Int = 20): [Order!]! } enum OrderStatus { PENDING PAID } input CreateUserInput { name: String! password: String }", 2)]
    public void BreakingChanges_FoundExactly(string changed, int expected)
    {
        var problems = SchemaContract.FindBreakingChanges(Published, changed);
        Assert.True(problems.Count == expected, $"{expected} expected, got: {string.Join("; ", problems)}");
    }
}
