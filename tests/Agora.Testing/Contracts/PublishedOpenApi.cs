using System.Text.Json.Nodes;

namespace Agora.Testing.Contracts;

/// <summary>
/// A service's published REST contract, <c>contracts/openapi/{service}.v1.json</c>, against the document the code serves
/// at <c>/openapi/v1.json</c>: nothing published may break, and the committed file must be exactly what the code serves,
/// so that spectral (<c>scripts/check-contracts.sh</c>) lints the real thing. With <c>AGORA_UPDATE_CONTRACTS=1</c> the
/// file is rewritten instead, unless the change breaks it. Each service's test project has a small <c>ContractTests</c>
/// class whose two facts call <see cref="AssertNoBreakingChangesAsync"/> and <see cref="AssertMatchesCommittedAsync"/>.
/// </summary>
/// <param name="service">The service name, as in the file name (<c>catalog</c>).</param>
/// <param name="testProject">The test project that keeps the file (<c>Agora.Catalog.Tests</c>), for the update command.</param>
public sealed class PublishedOpenApi(string service, string testProject)
{
    /// <summary>
    /// Breaking changes, exactly as reported, that were reviewed and accepted: the document now states what the service
    /// already did (a header it always required), so no client that worked stops working. Each needs its reason
    /// beside it where it is listed.
    /// </summary>
    public IReadOnlySet<string> AcceptedBreakingChanges { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Set to <c>1</c> to rewrite the committed contract from the live document.</summary>
    public const string UpdateVariable = "AGORA_UPDATE_CONTRACTS";

    /// <summary>Where the document is served.</summary>
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>The committed contract.</summary>
    public string PublishedPath { get; } = Path.Combine(RepoRoot.Path, "contracts", "openapi", $"{service}.v1.json");

    private string Title => char.ToUpperInvariant(service[0]) + service[1..];

    private string UpdateCommand => $"{UpdateVariable}=1 dotnet test tests/{testProject} --filter FullyQualifiedName~ContractTests";

    private static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>Where the published documents say Identity's discovery document is (the AppHost's Identity).</summary>
    public const string PublishedDiscoveryUrl = "http://localhost:5101/.well-known/openid-configuration";

    /// <summary>
    /// The document the service serves now. The OpenID Connect discovery URL is deployment configuration, not contract:
    /// a test's Identity listens on a free port, so the URL is set to the one the published documents name.
    /// </summary>
    public static async Task<JsonNode> LiveDocumentAsync(HttpClient client)
    {
        var response = await client.GetAsync(DocumentPath);
        response.EnsureSuccessStatusCode();
        var document = await response.BodyAsync();
        foreach (var (_, scheme) in document["components"]?["securitySchemes"]?.AsObject() ?? [])
        {
            if (scheme is JsonObject o && o.ContainsKey("openIdConnectUrl"))
            {
                o["openIdConnectUrl"] = PublishedDiscoveryUrl;
            }
        }

        return document;
    }

    /// <summary>Fails listing every change of the live document that would break a client of the published one.</summary>
    public async Task AssertNoBreakingChangesAsync(HttpClient client)
    {
        Assert.True(File.Exists(PublishedPath), $"{PublishedPath} is missing; create it with {UpdateCommand}");
        var published = JsonNode.Parse(await File.ReadAllTextAsync(PublishedPath))!;
        var problems = OpenApiContract.FindBreakingChanges(published, await LiveDocumentAsync(client))
            .Where(p => !AcceptedBreakingChanges.Contains(p)).ToList();

        Assert.True(problems.Count == 0,
            $"The {Title} API breaks its published v1 contract ({PublishedPath}) in {problems.Count} place(s):\n  - "
            + string.Join("\n  - ", problems)
            + "\nA published v1 operation, parameter, response or property must keep working: restore it, or add the new shape beside it (or in v2).");
    }

    /// <summary>
    /// Fails unless the committed file is exactly the live document (canonicalized); with
    /// <see cref="UpdateVariable"/>=1 rewrites it instead, refusing a breaking change.
    /// </summary>
    public async Task AssertMatchesCommittedAsync(HttpClient client)
    {
        var live = await LiveDocumentAsync(client);
        var liveText = OpenApiContract.Canonicalize(live);
        var committedText = File.Exists(PublishedPath) ? (await File.ReadAllTextAsync(PublishedPath)).ReplaceLineEndings("\n") : "";
        if (liveText == committedText)
        {
            return;
        }

        if (Updating)
        {
            // Never launder a breaking change into the published file.
            var problems = committedText.Length == 0 ? [] : OpenApiContract.FindBreakingChanges(JsonNode.Parse(committedText)!, live)
                .Where(p => !AcceptedBreakingChanges.Contains(p)).ToList();
            Assert.True(problems.Count == 0,
                $"Not rewriting {PublishedPath}: the live document breaks it:\n  - " + string.Join("\n  - ", problems));
            Directory.CreateDirectory(Path.GetDirectoryName(PublishedPath)!);
            await File.WriteAllTextAsync(PublishedPath, liveText);
            return;
        }

        Assert.Fail(
            $"The OpenAPI document the {Title} serves differs from the committed {PublishedPath}.\n"
            + OpenApiContract.FirstDifference(committedText, liveText)
            + "If the change is intended, rewrite the file and commit it:\n"
            + $"  {UpdateCommand}\n"
            + "then run scripts/check-contracts.sh (spectral lints the committed file).");
    }
}

/// <summary>The repository root: the nearest directory above the test binaries that holds Agora.slnx.</summary>
public static class RepoRoot
{
    /// <summary>Its full path.</summary>
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
