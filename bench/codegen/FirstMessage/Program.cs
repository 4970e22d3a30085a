// dotnet Agora.Bench.FirstMessage.dll <port> <sku>: sends one ProductCreated (name and SKU <sku>) to the Wolverine TCP
// listener on localhost:<port>, prints the Unix time in ms at which the send began, and stays up (Wolverine's TCP sender
// is buffered) until it is stopped (SIGTERM). It has no handlers, so it generates and compiles nothing itself.
using System.Globalization;
using Agora.Contracts.Events;
using JasperFx.CodeGeneration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wolverine;
using Wolverine.Transports.Tcp;

var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var sku = args[1];
using var host = await Host.CreateDefaultBuilder()
    .ConfigureLogging(l => l.ClearProviders()) // stdout carries the time only
    .UseWolverine(opts =>
    {
        opts.ServiceName = "bench-first-message";
        opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Static;
        opts.Discovery.DisableConventionalDiscovery();
        opts.PublishMessage<ProductCreated>().ToServerAndPort("localhost", port);
    }).StartAsync();

var started = DateTimeOffset.UtcNow;
await host.Services.GetRequiredService<IMessageBus>().PublishAsync(new ProductCreated(
    Guid.NewGuid(), started, "prd_" + sku, sku, sku, "bench product " + sku, "cat_bench", 12345m, "KRW", "active"));
Console.WriteLine(started.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
await host.WaitForShutdownAsync();
