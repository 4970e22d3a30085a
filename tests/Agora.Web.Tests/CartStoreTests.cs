using Agora.Web.Features.Cart;
using Agora.Web.Features.Shop;
using Agora.Web.Features.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Web.Tests;

/// <summary>The server-side cart on a real SQLite file: it outlives the process that wrote it, and joins at sign-in.</summary>
public sealed class CartStoreTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"agora-web-cart-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private static readonly Product Teapot = new("prd_1", "S-1", "Teapot", "", "cat_1", new Money("32000", "KRW"), "active", null);
    private static readonly Product Kettle = new("prd_2", "S-2", "Kettle", "", "cat_1", new Money("19000", "KRW"), "active", null);

    /// <summary>A store as a fresh process would build it: its own factory on the same file.</summary>
    private CartStore Start()
    {
        var factory = new Factory(new DbContextOptionsBuilder<WebDbContext>().UseSqlite($"Data Source={_file};Pooling=False").Options);
        using (var db = factory.CreateDbContext())
        {
            db.Database.EnsureCreated();
        }

        return new CartStore(factory, _clock, NullLogger<CartStore>.Instance);
    }

    [Fact]
    public async Task Cart_SurvivesARestart_AndItsCheckoutKeyStaysUntilTheCartChanges()
    {
        var before = Start();
        await before.AddAsync("usr:1", Teapot, 2, default);
        var key = await before.CheckoutKeyAsync("usr:1", default);

        var after = Start();
        var cart = await after.GetAsync("usr:1", default);
        Assert.Equal(2, cart.Count);
        Assert.Equal(["₩64,000"], cart.Totals);
        Assert.Equal(key, await after.CheckoutKeyAsync("usr:1", default));

        await after.AddAsync("usr:1", Kettle, 1, default);
        Assert.NotEqual(key, await after.CheckoutKeyAsync("usr:1", default));
    }

    [Fact]
    public async Task CompletedCheckout_EmptiesTheCart_AndRemembersTheOrder_ForALateSecondClick()
    {
        var store = Start();
        await store.AddAsync("usr:1", Teapot, 1, default);
        var key = await store.CheckoutKeyAsync("usr:1", default);
        await store.CompleteCheckoutAsync("usr:1", key, "ord_1", default);

        Assert.Empty((await store.GetAsync("usr:1", default)).Lines);
        Assert.Equal("ord_1", await store.PlacedOrderAsync("usr:1", default));
        await store.AddAsync("usr:1", Kettle, 1, default);
        Assert.Null(await store.PlacedOrderAsync("usr:1", default));
    }

    [Fact]
    public async Task VisitorCart_JoinsTheCustomersAtSignIn()
    {
        var store = Start();
        var visitor = new DefaultHttpContext();
        var owner = CartStore.OwnerOf(visitor, create: true)!;
        await store.AddAsync(owner, Teapot, 1, default);
        await store.AddAsync(owner, Kettle, 3, default);
        await store.AddAsync("usr:42", Teapot, 1, default);

        var cookie = owner["anon:".Length..];
        var signingIn = new DefaultHttpContext();
        signingIn.Request.Headers.Cookie = $"{CartStore.VisitorCookie}={cookie}";
        await store.AdoptVisitorCartAsync(signingIn, "42", default);

        var cart = await store.GetAsync("usr:42", default);
        Assert.Equal(2, cart.Lines.Single(l => l.ProductId == "prd_1").Quantity);
        Assert.Equal(3, cart.Lines.Single(l => l.ProductId == "prd_2").Quantity);
        Assert.Empty((await store.GetAsync(owner, default)).Lines);
        Assert.Contains(CartStore.VisitorCookie, signingIn.Response.Headers.SetCookie.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    private sealed class Factory(DbContextOptions<WebDbContext> options) : IDbContextFactory<WebDbContext>
    {
        public WebDbContext CreateDbContext() => new(options);
    }
}
