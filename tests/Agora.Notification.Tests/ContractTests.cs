using Agora.Notification.Tests.Infrastructure;
using Agora.Testing.Contracts;

namespace Agora.Notification.Tests;

/// <summary>The published REST contract, contracts/openapi/notification.v1.json (see <see cref="PublishedOpenApi"/>).</summary>
public sealed class ContractTests(EmbeddedNotificationFixture fixture) : IClassFixture<EmbeddedNotificationFixture>
{
    private static readonly PublishedOpenApi Contract = new("notification", "Agora.Notification.Tests");

    [Fact]
    public Task OpenApi_LiveDocument_HasNoBreakingChangesAgainstPublishedContract() => Contract.AssertNoBreakingChangesAsync(fixture.Client);

    [Fact]
    public Task OpenApi_LiveDocument_MatchesCommittedContract() => Contract.AssertMatchesCommittedAsync(fixture.Client);
}
