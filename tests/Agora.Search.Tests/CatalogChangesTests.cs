using Agora.Contracts.Events;
using Agora.Search.Features.Indexing;

namespace Agora.Search.Tests;

/// <summary>The rules that make event handling idempotent and order-independent (no host needed).</summary>
public sealed class CatalogChangesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 1, 0, 0, TimeSpan.Zero);

    private static ProductCreated Created(string name = "Lamp") =>
        new(Guid.NewGuid(), T0, "prd_1", "SKU-1", name, "d", "cat_1", 1000m, "KRW", "active");

    private static ProductUpdated Updated(int version, string name, int seconds = 10) =>
        new(Guid.NewGuid(), T0.AddSeconds(seconds), "prd_1", "SKU-1", name, "d", "cat_1", 2000m, "KRW", "active", version);

    private static StockChanged Stock(int available, double seconds) =>
        new(Guid.NewGuid(), T0.AddSeconds(seconds), "prd_1", available, 0, "adjusted");

    private static IndexedProduct Fold(params IIntegrationEvent[] events)
    {
        IndexedProduct? current = null;
        foreach (var e in events)
        {
            current = CatalogChanges.Apply(current, e).Next ?? current;
        }

        return current!;
    }

    [Fact]
    public void Apply_SameEventTwice_SecondChangesNothing()
    {
        var created = Created();
        var first = CatalogChanges.Apply(null, created);
        Assert.Null(CatalogChanges.Apply(first, created));
        var updated = Updated(2, "Lamp II");
        var second = CatalogChanges.Apply(first, updated);
        Assert.Null(CatalogChanges.Apply(second, updated));
    }

    [Fact]
    public void Apply_OlderUpdateAfterNewer_NewerWins()
    {
        var p = Fold(Created(), Updated(3, "Third"), Updated(2, "Second"));
        Assert.Equal("Third", p.Name);
        Assert.Equal(3, p.Version);
    }

    [Fact]
    public void Apply_UpdateBeforeCreated_KeepsUpdateAndLearnsCreationTime()
    {
        var p = Fold(Updated(2, "Second"), Created("First"));
        Assert.Equal("Second", p.Name);
        Assert.Equal(IndexedProduct.Micros(T0), p.CreatedAtMicros);
    }

    [Fact]
    public void Apply_OlderStockAfterNewer_NewerWins()
    {
        var p = Fold(Created(), Stock(5, 20), Stock(9, 10));
        Assert.Equal(5, p.Available);
    }

    [Fact]
    public void Apply_StockBeforeCreated_StockKeptHiddenUntilDetailsArrive()
    {
        var stub = Fold(Stock(7, 1));
        Assert.Equal(EntryKind.StockOnly, stub.Kind);
        Assert.False(stub.Visible);
        var p = Fold(Stock(7, 1), Created());
        Assert.True(p.Visible);
        Assert.Equal(7, p.Available);
    }

    [Fact]
    public void Apply_AnythingAfterDelete_StaysDeleted()
    {
        var deleted = new ProductDeleted(Guid.NewGuid(), T0.AddSeconds(30), "prd_1");
        var p = Fold(Created(), deleted, Updated(5, "Zombie", 40), Stock(3, 50), Created());
        Assert.Equal(EntryKind.Tombstone, p.Kind);
        Assert.False(p.Visible);
    }

    [Fact]
    public void Apply_DraftStatus_NotVisible()
    {
        var draft = new ProductUpdated(Guid.NewGuid(), T0.AddSeconds(5), "prd_1", "SKU-1", "Lamp", "d", "cat_1", 1000m, "KRW", "draft", 2);
        Assert.False(Fold(Created(), draft).Visible);
    }
}
