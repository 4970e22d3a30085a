using Agora.Contracts.Events;
using Wolverine.Attributes;

namespace Agora.Search.Features.Indexing;

/// <summary>
/// Catalog's events keep the index current (choreography: Catalog does not know Search exists). A change is searchable
/// at the next refresh and on disk at the next commit; a crash in between is repaired by a rebuild from Catalog at the next
/// start (<see cref="ProductIndex.NeedsBuild"/>). A redelivered or late event changes nothing (<see cref="CatalogChanges"/>).
/// Not transactional: the index is not in the database.
/// </summary>
[NonTransactional]
public static class CatalogEventsHandler
{
    public static Task Handle(ProductCreated e, ProductIndex index, CancellationToken ct) => ApplyAsync(e, index, ct);

    public static Task Handle(ProductUpdated e, ProductIndex index, CancellationToken ct) => ApplyAsync(e, index, ct);

    public static Task Handle(StockChanged e, ProductIndex index, CancellationToken ct) => ApplyAsync(e, index, ct);

    public static Task Handle(ProductDeleted e, ProductIndex index, CancellationToken ct) => ApplyAsync(e, index, ct);

    private static Task<bool> ApplyAsync(IIntegrationEvent e, ProductIndex index, CancellationToken ct) => index.ApplyAsync(e, ct);
}
