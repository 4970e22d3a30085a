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

/// <summary>Crafted cursors on the order lists, on SQLite and on PostgreSQL: out of range, a null or missing id: 422.</summary>
public abstract class CraftedCursorBehaviour(OrderingFixture fixture)
{
    [Fact]
    public async Task List_CraftedCursor_Is422()
    {
        await CraftedCursors.AssertRefusedAsync(fixture.App.CustomerClient("usr_cursor"), "/api/v1/orders",
        [
            """{"placedAt":"10000-01-01T00:00:00Z","id":"ord_x"}""",
            """{"placedAt":"2026-01-01T00:00:00Z","id":null}""",
            """{"placedAt":"2026-01-01T00:00:00Z"}""",
            """{"placedAt":12,"id":"ord_x"}""",
        ]);
        await CraftedCursors.AssertRefusedAsync(fixture.App.AdminClient(), "/api/v1/admin/sagas",
            ["""{"placedAt":"2026-01-01T00:00:00Z","id":null}"""]);
    }
}

public sealed class EmbeddedCraftedCursorTests(EmbeddedOrderingFixture fixture)
    : CraftedCursorBehaviour(fixture), IClassFixture<EmbeddedOrderingFixture>;

public sealed class DistributedCraftedCursorTests(DistributedOrderingFixture fixture)
    : CraftedCursorBehaviour(fixture), IClassFixture<DistributedOrderingFixture>;
