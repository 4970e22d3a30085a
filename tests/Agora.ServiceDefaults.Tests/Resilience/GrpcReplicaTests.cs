using System.Buffers.Binary;
using System.Collections.Concurrent;
using Agora.Contracts.Catalog.V1;
using Agora.ServiceDefaults.Resilience;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.ServiceDefaults.Tests.Resilience;

/// <summary>A gRPC client given several replicas (<c>Agora:Services:{service}:Grpc</c> as a list) spreads over them.</summary>
public sealed class GrpcReplicaTests
{
    [Fact]
    public async Task Client_with_two_catalog_replicas_spreads_calls_over_both_and_survives_one_stopping()
    {
        var seen = new ConcurrentQueue<string>();
        await using var first = await StartReplicaAsync("replica-1", seen);
        await using var second = await StartReplicaAsync("replica-2", seen);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agora:Services:catalog:Grpc"] = $"{first.Urls.Single()};{second.Urls.Single()}",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAgoraGrpcClient<CatalogService.CatalogServiceClient>(configuration, "catalog");
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<CatalogService.CatalogServiceClient>();

        var answers = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add((await client.GetProductAsync(new GetProductRequest { ProductId = "prd_1" })).Product.Name);
        }

        Assert.Contains("replica-1", answers);
        Assert.Contains("replica-2", answers);

        // One replica goes away: the channel drops it and every call lands on the other (a retry covers the race).
        await second.StopAsync();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("replica-1", (await client.GetProductAsync(new GetProductRequest { ProductId = "prd_1" })).Product.Name);
        }
    }

    /// <summary>A bare h2c server answering Catalog's GetProduct with its own name (gRPC framing by hand).</summary>
    private static async Task<WebApplication> StartReplicaAsync(string name, ConcurrentQueue<string> seen)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapPost("/ecommerce.catalog.v1.CatalogService/GetProduct", async context =>
        {
            seen.Enqueue(name);
            var body = new GetProductResponse { Product = new Product { Id = "prd_1", Name = name } }.ToByteArray();
            var frame = new byte[5 + body.Length];
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
            body.CopyTo(frame, 5);
            context.Response.ContentType = "application/grpc";
            context.Response.DeclareTrailer("grpc-status");
            await context.Response.Body.WriteAsync(frame);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await app.StartAsync();
        return app;
    }
}
