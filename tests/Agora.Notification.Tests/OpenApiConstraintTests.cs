using Agora.Notification.Tests.Infrastructure;
using Agora.Testing;
using Agora.Testing.Contracts;

namespace Agora.Notification.Tests;

/// <summary>Every constraint Notification's OpenAPI document declares is enforced (see <see cref="OpenApiConstraintWalker"/>).</summary>
public sealed class OpenApiConstraintTests(EmbeddedNotificationFixture fixture) : IClassFixture<EmbeddedNotificationFixture>
{
    [Fact]
    public async Task OpenApi_EveryDeclaredConstraint_IsEnforced()
    {
        // As staff: every operation is open to the caller, so what refuses a broken request is validation.
        var staff = fixture.App.CreateDefaultClient(new BearerTokenHandler(fixture.App.Identity.AdminToken));
        var walker = new OpenApiConstraintWalker(staff, await PublishedOpenApi.LiveDocumentAsync(staff));

        await walker.WalkAsync();

        walker.AssertEnforced();
    }
}
