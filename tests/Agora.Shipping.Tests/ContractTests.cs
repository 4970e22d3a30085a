using Agora.Shipping.Tests.Infrastructure;
using Agora.Testing.Contracts;

namespace Agora.Shipping.Tests;

/// <summary>The published REST contract, contracts/openapi/shipping.v1.json (see <see cref="PublishedOpenApi"/>).</summary>
public sealed class ContractTests(EmbeddedShippingFixture fixture) : IClassFixture<EmbeddedShippingFixture>
{
    private static readonly PublishedOpenApi Contract = new("shipping", "Agora.Shipping.Tests");

    [Fact]
    public Task OpenApi_LiveDocument_HasNoBreakingChangesAgainstPublishedContract() => Contract.AssertNoBreakingChangesAsync(fixture.Client);

    [Fact]
    public Task OpenApi_LiveDocument_MatchesCommittedContract() => Contract.AssertMatchesCommittedAsync(fixture.Client);
}
