using Agora.Http;
using Agora.Catalog.Infrastructure;
using Agora.Contracts.Events;
using Microsoft.EntityFrameworkCore;
using Wolverine.EntityFrameworkCore;

namespace Agora.Catalog.Features.Products;

internal static class DeleteProduct
{
    public static async Task<Results<NoContent, ApiError>> Handle(
        string id, HttpRequest request, IDbContextOutbox<CatalogDbContext> outbox, ProductCache cache,
        TimeProvider clock, CancellationToken ct)
    {
        var db = outbox.DbContext;
        var (loaded, failed) = await ProductErrors.LoadForChangeAsync(db, id, request, ct);
        if (failed is not null)
        {
            return failed;
        }

        var product = loaded!;

        var held = await db.ReservationLines
            .Where(l => l.ProductId == id)
            .Join(db.Reservations.Where(r => r.Status == ReservationStatus.Active), l => l.ReservationId, r => r.Id, (l, _) => l)
            .AnyAsync(ct);
        if (held)
        {
            return ApiResults.Conflict("PRODUCT_HAS_RESERVATIONS",
                "Stock of this product is reserved by open orders; discontinue it instead, or delete it once they are settled.");
        }

        db.Products.Remove(product);
        await outbox.PublishAsync(new ProductDeleted(Guid.CreateVersion7(), clock.GetUtcNow(), id));
        try
        {
            await outbox.SaveChangesAndFlushMessagesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ProductErrors.ChangedConcurrently();
        }
        finally
        {
            await cache.InvalidateAsync(id, CancellationToken.None);
        }

        return TypedResults.NoContent();
    }
}
