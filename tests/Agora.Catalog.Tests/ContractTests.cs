using System.Text.Json.Nodes;
using Agora.Catalog.Tests.Contracts;
using Agora.Catalog.Tests.Infrastructure;

namespace Agora.Catalog.Tests;

/// <summary>
/// The published REST contract (contracts/openapi/catalog.v1.json) against the document the code serves now:
/// nothing published may break, and the committed file must be exactly what the code serves, so that spectral
/// (scripts/check-contracts.sh) lints the real thing.
/// </summary>
public sealed class ContractTests(ContractCatalogFixture fixture) : IClassFixture<ContractCatalogFixture>
{
    private const string UpdateVariable = "AGORA_UPDATE_CONTRACTS";
    private static readonly string PublishedPath = Path.Combine(RepoRoot.Path, "contracts", "openapi", "catalog.v1.json");

    private static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    private async Task<JsonNode> LiveDocumentAsync()
    {
        var response = await fixture.Client.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        return await response.BodyAsync();
    }

    private static JsonNode PublishedDocument()
    {
        Assert.True(File.Exists(PublishedPath),
            $"{PublishedPath} is missing; create it with {UpdateVariable}=1 dotnet test tests/Agora.Catalog.Tests --filter FullyQualifiedName~ContractTests");
        return JsonNode.Parse(File.ReadAllText(PublishedPath))!;
    }

    [Fact]
    public async Task OpenApi_LiveDocument_HasNoBreakingChangesAgainstPublishedContract()
    {
        var problems = OpenApiContract.FindBreakingChanges(PublishedDocument(), await LiveDocumentAsync());

        Assert.True(problems.Count == 0,
            $"The Catalog API breaks its published v1 contract ({PublishedPath}) in {problems.Count} place(s):\n  - "
            + string.Join("\n  - ", problems)
            + "\nA published v1 operation, parameter, response or property must keep working: restore it, or add the new shape beside it (or in v2).");
    }

    [Fact]
    public async Task OpenApi_LiveDocument_MatchesCommittedContract()
    {
        var live = await LiveDocumentAsync();
        var liveText = OpenApiContract.Canonicalize(live);
        var committedText = File.Exists(PublishedPath) ? File.ReadAllText(PublishedPath).ReplaceLineEndings("\n") : "";
        if (liveText == committedText)
        {
            return;
        }

        if (Updating)
        {
            // Never launder a breaking change into the published file.
            var problems = committedText.Length == 0 ? [] : OpenApiContract.FindBreakingChanges(JsonNode.Parse(committedText)!, live);
            Assert.True(problems.Count == 0,
                $"Not rewriting {PublishedPath}: the live document breaks it:\n  - " + string.Join("\n  - ", problems));
            Directory.CreateDirectory(Path.GetDirectoryName(PublishedPath)!);
            await File.WriteAllTextAsync(PublishedPath, liveText);
            return;
        }

        Assert.Fail(
            $"The OpenAPI document the Catalog serves differs from the committed {PublishedPath}.\n"
            + OpenApiContract.FirstDifference(committedText, liveText)
            + $"If the change is intended, rewrite the file and commit it:\n"
            + $"  {UpdateVariable}=1 dotnet test tests/Agora.Catalog.Tests --filter FullyQualifiedName~ContractTests\n"
            + "then run scripts/check-contracts.sh (spectral lints the committed file).");
    }
}

/// <summary>The repository root: the nearest directory above the test binaries that holds Agora.slnx.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Agora.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Agora.slnx above {AppContext.BaseDirectory}.");
    }
}
