using System.Collections.Concurrent;
using System.Net;
using Agora.Contracts.Catalog.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Ordering.Tests.Infrastructure;

/// <summary>
/// A test double of Catalog's gRPC side: a small Kestrel on a free loopback port speaking HTTP/2 without TLS (h2c), as
/// Catalog's own gRPC endpoint does, serving <c>GetProducts</c> from a dictionary the test controls. Ordering reaches it
/// through its real, unmodified gRPC client (only <c>Agora:Services:catalog:Grpc</c> points here).
/// </summary>
public sealed class FakeCatalog : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeCatalog(WebApplication app) => _app = app;

    /// <summary>The products Catalog knows, by id. Anything else is answered in <c>missing_ids</c>.</summary>
    public ConcurrentDictionary<string, Product> Products { get; } = new(StringComparer.Ordinal);

    private int _calls;

    /// <summary>How many <c>GetProducts</c> calls arrived.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary><c>http://127.0.0.1:{port}</c>: the address for <c>Agora:Services:catalog:Grpc</c>.</summary>
    public string Address { get; private set; } = "";

    public static async Task<FakeCatalog> StartAsync()
    {
        // Empty builder: no appsettings.json (the test directory has Ordering's, whose Kestrel endpoints would win).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<Holder>();
        var app = builder.Build();
        var fake = new FakeCatalog(app);
        app.Services.GetRequiredService<Holder>().Catalog = fake;
        app.MapGrpcService<Service>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Address = $"http://127.0.0.1:{new Uri(address).Port}";
        return fake;
    }

    /// <summary>Adds (or replaces) a product: active, priced in <paramref name="currency"/> unless told otherwise.</summary>
    public Product Add(string id, string amount, string currency = "KRW", string status = "active", string? name = null)
    {
        var product = new Product
        {
            Id = id, Sku = "SKU-" + id, Name = name ?? "Product " + id, Description = "test", CategoryId = "cat_test",
            Price = new Money { Amount = amount, Currency = currency }, Status = status, Available = 100,
            UpdatedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        Products[id] = product;
        return product;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Lets the gRPC service (created per call by DI) find its fake.</summary>
    private sealed class Holder
    {
        public FakeCatalog Catalog { get; set; } = null!;
    }

    private sealed class Service(Holder holder) : CatalogService.CatalogServiceBase
    {
        public override Task<GetProductsResponse> GetProducts(GetProductsRequest request, ServerCallContext context)
        {
            var fake = holder.Catalog;
            Interlocked.Increment(ref fake._calls);
            var response = new GetProductsResponse();
            foreach (var id in request.ProductIds.Distinct(StringComparer.Ordinal))
            {
                if (fake.Products.TryGetValue(id, out var product))
                {
                    response.Products.Add(product);
                }
                else
                {
                    response.MissingIds.Add(id);
                }
            }

            return Task.FromResult(response);
        }
    }
}
