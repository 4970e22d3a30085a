using Agora.Hosting;
using Agora.Testing.Contracts;

namespace Agora.Search.Tests;

/// <summary>The published REST contract, contracts/openapi/search.v1.json (see <see cref="PublishedOpenApi"/>).</summary>
public sealed class ContractTests(ContractSearchFixture fixture) : IClassFixture<ContractSearchFixture>
{
    private static readonly PublishedOpenApi Contract = new("search", "Agora.Search.Tests");

    [Fact]
    public Task OpenApi_LiveDocument_HasNoBreakingChangesAgainstPublishedContract() => Contract.AssertNoBreakingChangesAsync(fixture.Client);

    [Fact]
    public Task OpenApi_LiveDocument_MatchesCommittedContract() => Contract.AssertMatchesCommittedAsync(fixture.Client);
}

/// <summary>
/// Search as the published contract describes it: the default Identity authority (not a test issuer's random port), so
/// the document does not change from run to run; no Catalog (the document does not need one).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit disposes a fixture through IAsyncLifetime.DisposeAsync, which disposes the app.")]
public sealed class ContractSearchFixture : IAsyncLifetime
{
    private ServiceApp<Program> _app = null!;

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        _app = new ServiceApp<Program>("search", AgoraMode.Embedded);
        _app.With("Agora:Auth:Authority", "http://localhost:5101/")
            .With("Search:BuildOnStart", "false");
        Client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();
}
