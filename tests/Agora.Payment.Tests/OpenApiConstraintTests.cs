using Agora.Payment.Tests.Infrastructure;
using Agora.Testing;
using Agora.Testing.Contracts;

namespace Agora.Payment.Tests;

/// <summary>Every constraint Payment's OpenAPI document declares is enforced (see <see cref="OpenApiConstraintWalker"/>).</summary>
public sealed class OpenApiConstraintTests(EmbeddedPaymentFixture fixture) : IClassFixture<EmbeddedPaymentFixture>
{
    [Fact]
    public async Task OpenApi_EveryDeclaredConstraint_IsEnforced()
    {
        // As staff: every operation is open to the caller, so what refuses a broken request is validation.
        var staff = fixture.App.ClientWith(fixture.App.Identity.AdminToken());
        var walker = new OpenApiConstraintWalker(staff, await PublishedOpenApi.LiveDocumentAsync(staff));

        await walker.WalkAsync();

        walker.AssertEnforced();
    }
}
