using Agora.Contracts.Events;
using Agora.Search.Indexing;
using Wolverine.Attributes;

namespace Agora.Search.Features.Indexing;

/// <summary>
/// Catalog's events keep the index current (choreography: Catalog does not know Search exists). A handler returns once
/// the change is committed to the index, so the durable inbox acknowledges only what survives a crash; a redelivered or
/// late event changes nothing (<see cref="CatalogChanges"/>). Not transactional: the index is not in the database.
/// </summary>
[NonTransactional]
public static class CatalogEventsHandler
{
    public static Task Handle(ProductCreated e, ProductIndex index, CancellationToken ct) => ApplyAsync(e, index, ct);

    public static Task Handle(ProductUpdated e, ProductIndex index, CancellationToken ct) => ApplyAsync(e, index, ct);

    public static Task Handle(StockChanged e, ProductIndex index, CancellationToken ct) => ApplyAsync(e, index, ct);

    public static Task Handle(ProductDeleted e, ProductIndex index, CancellationToken ct) => ApplyAsync(e, index, ct);

    private static async Task ApplyAsync(IIntegrationEvent e, ProductIndex index, CancellationToken ct)
    {
        if (await index.ApplyAsync(e, ct))
        {
            await index.WaitForCommitAsync(ct);
        }
    }
}
