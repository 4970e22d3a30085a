using Agora.Catalog.Tests.Infrastructure;
using Agora.Testing;
using Agora.Testing.Contracts;

namespace Agora.Catalog.Tests;

/// <summary>Every constraint Catalog's OpenAPI document declares is enforced (see <see cref="OpenApiConstraintWalker"/>).</summary>
public sealed class OpenApiConstraintTests(EmbeddedCatalogFixture fixture) : IClassFixture<EmbeddedCatalogFixture>
{
    [Fact]
    public async Task OpenApi_EveryDeclaredConstraint_IsEnforced()
    {
        var client = fixture.Client;
        var product = (await (await client.GetAsync("/api/v1/products?per_page=1")).BodyAsync())["data"]![0]!;
        var walker = new OpenApiConstraintWalker(client, await PublishedOpenApi.LiveDocumentAsync(client));
        walker.PathValues["id"] = (string)product["id"]!;
        walker.ValidValues["category_id"] = (string)product["category_id"]!;
        walker.OperationPathValues["GET /api/v1/categories/{id}/products"] = new() { ["id"] = (string)product["category_id"]! };

        await walker.WalkAsync();

        walker.AssertEnforced();
    }
}
