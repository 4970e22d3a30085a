using System.Net.Http.Json;
using Agora.Testing.Contracts;
using static Agora.Identity.Tests.UsersTestKit;

namespace Agora.Identity.Tests;

/// <summary>Every constraint Identity's OpenAPI document declares is enforced (see <see cref="OpenApiConstraintWalker"/>).</summary>
public sealed class OpenApiConstraintTests(EmbeddedIdentityFixture fixture) : IClassFixture<EmbeddedIdentityFixture>
{
    [Fact]
    public async Task OpenApi_EveryDeclaredConstraint_IsEnforced()
    {
        // Staff, on a customer's account and address: every operation is open to the caller, so what refuses is validation.
        var admin = Api(fixture, await AdminTokenAsync(fixture));
        var customer = await NewCustomerAsync(fixture);
        var address = await BodyAsync(await Api(fixture, customer.Token).PostAsJsonAsync("/api/v1/users/me/addresses", Address()));
        var walker = new OpenApiConstraintWalker(admin, await PublishedOpenApi.LiveDocumentAsync(admin));
        walker.PathValues["id"] = customer.Id;
        walker.PathValues["addressId"] = (string)address["data"]!["id"]!;

        await walker.WalkAsync();

        walker.AssertEnforced();
    }
}
