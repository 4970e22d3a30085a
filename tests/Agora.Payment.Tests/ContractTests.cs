using Agora.Payment.Tests.Infrastructure;
using Agora.Testing.Contracts;

namespace Agora.Payment.Tests;

/// <summary>The published REST contract, contracts/openapi/payment.v1.json (see <see cref="PublishedOpenApi"/>).</summary>
public sealed class ContractTests(EmbeddedPaymentFixture fixture) : IClassFixture<EmbeddedPaymentFixture>
{
    private static readonly PublishedOpenApi Contract = new("payment", "Agora.Payment.Tests");

    [Fact]
    public Task OpenApi_LiveDocument_HasNoBreakingChangesAgainstPublishedContract() => Contract.AssertNoBreakingChangesAsync(fixture.App.CreateClient());

    [Fact]
    public Task OpenApi_LiveDocument_MatchesCommittedContract() => Contract.AssertMatchesCommittedAsync(fixture.App.CreateClient());
}
