using Agora.Catalog.Tests.Infrastructure;
using Agora.Testing.Contracts;

namespace Agora.Catalog.Tests;

/// <summary>The published REST contract, contracts/openapi/catalog.v1.json (see <see cref="PublishedOpenApi"/>).</summary>
public sealed class ContractTests(ContractCatalogFixture fixture) : IClassFixture<ContractCatalogFixture>
{
    private static readonly PublishedOpenApi Contract = new("catalog", "Agora.Catalog.Tests");

    [Fact]
    public Task OpenApi_LiveDocument_HasNoBreakingChangesAgainstPublishedContract() => Contract.AssertNoBreakingChangesAsync(fixture.Client);

    [Fact]
    public Task OpenApi_LiveDocument_MatchesCommittedContract() => Contract.AssertMatchesCommittedAsync(fixture.Client);
}
