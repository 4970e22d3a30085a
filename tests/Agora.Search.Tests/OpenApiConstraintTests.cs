using Agora.Search.Tests.Infrastructure;
using Agora.Testing;
using Agora.Testing.Contracts;

namespace Agora.Search.Tests;

/// <summary>Every constraint Search's OpenAPI document declares is enforced (see <see cref="OpenApiConstraintWalker"/>).</summary>
public sealed class OpenApiConstraintTests(EmbeddedSearchFixture fixture) : IClassFixture<EmbeddedSearchFixture>
{
    [Fact]
    public async Task OpenApi_EveryDeclaredConstraint_IsEnforced()
    {
        // As staff: every operation is open to the caller, so what refuses a broken request is validation.
        var staff = fixture.Shop.SearchAdmin;
        var walker = new OpenApiConstraintWalker(staff, await PublishedOpenApi.LiveDocumentAsync(staff));

        await walker.WalkAsync();

        walker.AssertEnforced();
    }
}
