using GraphQL;
using GraphQL.Types;
using GraphQL.Utilities;
using GraphQLParser;
using GraphQLParser.AST;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Agora.GraphQL.Tests;

/// <summary>
/// The published GraphQL contract, <c>contracts/graphql/schema.graphql</c>: the schema the code serves, printed as SDL.
/// <see cref="FindBreakingChanges"/> says what a change would break for clients of the published file (removed or
/// retyped types, fields, arguments, input fields and enum values; new required arguments and input fields).
/// </summary>
public static class SchemaContract
{
    public const string UpdateVariable = "AGORA_UPDATE_CONTRACTS";

    public static string PublishedPath { get; } = Path.Combine(Agora.Testing.Contracts.RepoRoot.Path, "contracts", "graphql", "schema.graphql");

    public static string UpdateCommand => $"{UpdateVariable}=1 dotnet test tests/Agora.GraphQL.Tests --filter FullyQualifiedName~SchemaContractTests";

    /// <summary>The schema as <c>AddAgoraGraphQL</c> builds it, printed with descriptions, "\n" line ends, one final newline.</summary>
    public static string LiveSdl()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = "Testing" });
        services.AddAgoraGraphQL(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        var schema = provider.GetRequiredService<ISchema>();
        schema.Initialize();
        return schema.Print(new PrintOptions { IncludeDescriptions = true, IncludeDeprecationReasons = true }).ReplaceLineEndings("\n").TrimEnd() + "\n";
    }

    public static IReadOnlyList<string> FindBreakingChanges(string publishedSdl, string liveSdl)
    {
        var before = Types(publishedSdl);
        var after = Types(liveSdl);
        var problems = new List<string>();
        foreach (var (name, old) in before)
        {
            if (!after.TryGetValue(name, out var now))
            {
                problems.Add($"type {name} was removed");
                continue;
            }

            if (old.GetType() != now.GetType())
            {
                problems.Add($"type {name} changed kind ({Kind(old)} → {Kind(now)})");
                continue;
            }

            switch (old, now)
            {
                case (GraphQLObjectTypeDefinition o, GraphQLObjectTypeDefinition n):
                    CompareFields(name, o.Fields?.Items, n.Fields?.Items, problems);
                    break;
                case (GraphQLInterfaceTypeDefinition o, GraphQLInterfaceTypeDefinition n):
                    CompareFields(name, o.Fields?.Items, n.Fields?.Items, problems);
                    break;
                case (GraphQLInputObjectTypeDefinition o, GraphQLInputObjectTypeDefinition n):
                    CompareInputs($"input {name}", o.Fields?.Items, n.Fields?.Items, problems);
                    break;
                case (GraphQLEnumTypeDefinition o, GraphQLEnumTypeDefinition n):
                    var values = (n.Values?.Items ?? []).Select(v => v.EnumValue.Name.StringValue).ToHashSet(StringComparer.Ordinal);
                    problems.AddRange((o.Values?.Items ?? []).Select(v => v.EnumValue.Name.StringValue).Where(v => !values.Contains(v))
                        .Select(v => $"enum value {name}.{v} was removed"));
                    break;
                case (GraphQLUnionTypeDefinition o, GraphQLUnionTypeDefinition n):
                    var members = (n.Types?.Items ?? []).Select(t => t.Name.StringValue).ToHashSet(StringComparer.Ordinal);
                    problems.AddRange((o.Types?.Items ?? []).Select(t => t.Name.StringValue).Where(t => !members.Contains(t))
                        .Select(t => $"union {name} lost member {t}"));
                    break;
            }
        }

        return problems;
    }

    private static void CompareFields(string type, List<GraphQLFieldDefinition>? before, List<GraphQLFieldDefinition>? after, List<string> problems)
    {
        var now = (after ?? []).ToDictionary(f => f.Name.StringValue, StringComparer.Ordinal);
        foreach (var field in before ?? [])
        {
            var name = $"{type}.{field.Name.StringValue}";
            if (!now.TryGetValue(field.Name.StringValue, out var changed))
            {
                problems.Add($"field {name} was removed");
                continue;
            }

            // An output may become stricter (non-null), never looser or another type.
            var (o, n) = (TypeOf(field.Type), TypeOf(changed.Type));
            if (o != n && n != o + "!")
            {
                problems.Add($"field {name} changed type {o} → {n}");
            }

            CompareInputs($"field {name} argument", field.Arguments?.Items, changed.Arguments?.Items, problems);
        }
    }

    private static void CompareInputs(string owner, List<GraphQLInputValueDefinition>? before, List<GraphQLInputValueDefinition>? after, List<string> problems)
    {
        var old = (before ?? []).ToDictionary(a => a.Name.StringValue, StringComparer.Ordinal);
        foreach (var input in after ?? [])
        {
            if (!old.ContainsKey(input.Name.StringValue) && input.Type is GraphQLNonNullType && input.DefaultValue is null)
            {
                problems.Add($"{owner} {input.Name.StringValue} was added as required");
            }
        }

        var now = (after ?? []).ToDictionary(a => a.Name.StringValue, StringComparer.Ordinal);
        foreach (var (name, input) in old)
        {
            if (!now.TryGetValue(name, out var changed))
            {
                problems.Add($"{owner} {name} was removed");
                continue;
            }

            // An input may become looser (nullable), never stricter or another type.
            var (o, n) = (TypeOf(input.Type), TypeOf(changed.Type));
            if (o != n && o != n + "!")
            {
                problems.Add($"{owner} {name} changed type {o} → {n}");
            }
        }
    }

    private static Dictionary<string, GraphQLTypeDefinition> Types(string sdl) =>
        Parser.Parse(sdl).Definitions.OfType<GraphQLTypeDefinition>().ToDictionary(t => t.Name.StringValue, StringComparer.Ordinal);

    private static string TypeOf(GraphQLType type) => type switch
    {
        GraphQLNonNullType nn => TypeOf(nn.Type) + "!",
        GraphQLListType list => "[" + TypeOf(list.Type) + "]",
        GraphQLNamedType named => named.Name.StringValue,
        _ => type.ToString() ?? "?",
    };

    private static string Kind(ASTNode node) => node.GetType().Name.Replace("GraphQL", "", StringComparison.Ordinal).Replace("TypeDefinition", "", StringComparison.Ordinal);
}
