using Agora.Shipping.Tests.Infrastructure;
using Agora.Testing;
using Agora.Testing.Contracts;

namespace Agora.Shipping.Tests;

/// <summary>Every constraint Shipping's OpenAPI document declares is enforced (see <see cref="OpenApiConstraintWalker"/>).</summary>
public sealed class OpenApiConstraintTests(EmbeddedShippingFixture fixture) : IClassFixture<EmbeddedShippingFixture>
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
