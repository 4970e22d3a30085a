using Agora.Ordering.Tests.Infrastructure;
using Agora.Testing.Contracts;

namespace Agora.Ordering.Tests;

/// <summary>The published REST contract, contracts/openapi/ordering.v1.json (see <see cref="PublishedOpenApi"/>).</summary>
public sealed class ContractTests(EmbeddedOrderingFixture fixture) : IClassFixture<EmbeddedOrderingFixture>
{
    private static readonly PublishedOpenApi Contract = new("ordering", "Agora.Ordering.Tests")
    {
        // Placing an order has always answered 400 IDEMPOTENCY_KEY_REQUIRED without the header; the document now says so.
        AcceptedBreakingChanges = new HashSet<string>(StringComparer.Ordinal) { "POST /api/v1/orders: new parameter idempotency-key (in header) is required" },
    };

    [Fact]
    public Task OpenApi_LiveDocument_HasNoBreakingChangesAgainstPublishedContract() => Contract.AssertNoBreakingChangesAsync(fixture.App.CreateClient());

    [Fact]
    public Task OpenApi_LiveDocument_MatchesCommittedContract() => Contract.AssertMatchesCommittedAsync(fixture.App.CreateClient());
}
