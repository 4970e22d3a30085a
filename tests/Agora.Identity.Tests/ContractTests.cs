using Agora.Testing.Contracts;

namespace Agora.Identity.Tests;

/// <summary>The published REST contract, contracts/openapi/identity.v1.json (see <see cref="PublishedOpenApi"/>).</summary>
public sealed class ContractTests(EmbeddedIdentityFixture fixture) : IClassFixture<EmbeddedIdentityFixture>
{
    private static readonly PublishedOpenApi Contract = new("identity", "Agora.Identity.Tests");

    [Fact]
    public Task OpenApi_LiveDocument_HasNoBreakingChangesAgainstPublishedContract() =>
        Contract.AssertNoBreakingChangesAsync(fixture.App.CreateClient());

    [Fact]
    public Task OpenApi_LiveDocument_MatchesCommittedContract() => Contract.AssertMatchesCommittedAsync(fixture.App.CreateClient());
}
