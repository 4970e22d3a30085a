using Agora.Ordering.Tests.Infrastructure;
using Agora.Testing.Contracts;

namespace Agora.Ordering.Tests;

/// <summary>The published REST contract, contracts/openapi/ordering.v1.json (see <see cref="PublishedOpenApi"/>).</summary>
public sealed class ContractTests(EmbeddedOrderingFixture fixture) : IClassFixture<EmbeddedOrderingFixture>
{
    private static readonly PublishedOpenApi Contract = new("ordering", "Agora.Ordering.Tests");

    [Fact]
    public Task OpenApi_LiveDocument_HasNoBreakingChangesAgainstPublishedContract() => Contract.AssertNoBreakingChangesAsync(fixture.App.CreateClient());

    [Fact]
    public Task OpenApi_LiveDocument_MatchesCommittedContract() => Contract.AssertMatchesCommittedAsync(fixture.App.CreateClient());
}
