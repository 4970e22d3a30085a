using Agora.Ordering.Tests.Infrastructure;
using Agora.Testing.Contracts;

namespace Agora.Ordering.Tests;

/// <summary>Every constraint Ordering's OpenAPI document declares is enforced (see <see cref="OpenApiConstraintWalker"/>).</summary>
public sealed class OpenApiConstraintTests(EmbeddedOrderingFixture fixture) : IClassFixture<EmbeddedOrderingFixture>
{
    [Fact]
    public async Task OpenApi_EveryDeclaredConstraint_IsEnforced()
    {
        // A customer places orders (staff tokens carry no email); staff reach the admin operations.
        var document = await PublishedOpenApi.LiveDocumentAsync(fixture.App.CreateClient());
        var asCustomer = new OpenApiConstraintWalker(fixture.App.CustomerClient("usr_walker"), document);
        var asStaff = new OpenApiConstraintWalker(fixture.App.AdminClient(), document);
        foreach (var walker in new[] { asCustomer, asStaff })
        {
            walker.PathValues["id"] = "usr_walker";
            walker.ValidValues["product_id"] = OrderingFixture.Kettle;
            await walker.WalkAsync();
        }

        asCustomer.AssertEnforced();
        asStaff.AssertEnforced();
    }
}
