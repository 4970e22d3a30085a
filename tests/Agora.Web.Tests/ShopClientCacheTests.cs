using Agora.Web;
using Agora.Web.Features.Shop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.Web.Tests;

/// <summary>
/// The public catalogue reads are kept for <see cref="WebOptions.CatalogCache"/>: against a real HTTP server standing in
/// for the gateway's product resource, which counts the requests it gets.
/// </summary>
public sealed class ShopClientCacheTests : IAsyncLifetime
{
    private WebApplication? _gateway;
    private int _hits;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _gateway = builder.Build();
        _gateway.MapGet("/api/v1/products/{id}", (string id) =>
        {
            Interlocked.Increment(ref _hits);
            return id == "prd_1"
                ? Results.Text("""{"data":{"id":"prd_1","sku":"S-1","name":"Teapot","description":"","category_id":"cat_1","price":{"amount":"32000","currency":"KRW"},"status":"active"}}""", "application/json")
                : Results.Text("""{"error":{"code":"PRODUCT_NOT_FOUND","message":"No such product."}}""", "application/json", statusCode: 404);
        });
        await _gateway.StartAsync();
    }

    [Fact]
    public async Task AProductReadTwice_AsksTheGatewayOnce_AndAFailureIsNeverKept()
    {
        var shop = Client(TimeSpan.FromSeconds(30));
        Assert.Equal("Teapot", (await shop.ProductAsync("prd_1", default)).Value!.Name);
        Assert.Equal("Teapot", (await shop.ProductAsync("prd_1", default)).Value!.Name);
        Assert.Equal(1, _hits);

        Assert.Equal(404, (await shop.ProductAsync("prd_404", default)).Error!.Status);
        Assert.Equal(404, (await shop.ProductAsync("prd_404", default)).Error!.Status);
        Assert.Equal(3, _hits);
    }

    [Fact]
    public async Task WithoutACache_EveryReadAsksTheGateway()
    {
        var shop = Client(TimeSpan.Zero);
        await shop.ProductAsync("prd_1", default);
        await shop.ProductAsync("prd_1", default);
        Assert.Equal(2, _hits);
    }

    private ShopClient Client(TimeSpan ttl)
    {
        var address = _gateway!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
#pragma warning disable CA2000 // the client and its cache live as long as the test
        var http = new HttpClient { BaseAddress = new Uri(address) };
        return new ShopClient(http, new MemoryCache(new MemoryCacheOptions { SizeLimit = 100 }),
            Microsoft.Extensions.Options.Options.Create(new WebOptions { CatalogCache = ttl }), NullLogger<ShopClient>.Instance);
#pragma warning restore CA2000
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }
}
