using System.Globalization;
using Agora.Bench.Tls;
using Agora.Contracts.Catalog.V1;
using Agora.Hosting;
using Agora.ServiceDefaults.Tls;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;

// One measurement: CONCURRENCY closed-loop workers call one Catalog for WARMUP seconds (discarded), then DURATION
// seconds, and the result is one line: RESULT rps=… p50_ms=… p99_ms=… errors=…
//   Agora.Bench.Tls rest|grpc <base url> plain|mutual <ids file> [certs dir] [concurrency] [duration s] [warm-up s]
if (args.Length < 4)
{
    await Console.Error.WriteLineAsync("usage: Agora.Bench.Tls rest|grpc <url> plain|mutual <ids file> [certs dir] [concurrency] [duration] [warmup]");
    return 64;
}

var protocol = args[0];
var url = new Uri(args[1]);
var mutual = args[2] == "mutual";
var ids = await File.ReadAllLinesAsync(args[3]);
var certs = args.Length > 4 ? args[4] : ".agora/certs";
var concurrency = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 16;
var duration = TimeSpan.FromSeconds(args.Length > 6 ? double.Parse(args[6], CultureInfo.InvariantCulture) : 10);
var warmup = TimeSpan.FromSeconds(args.Length > 7 ? double.Parse(args[7], CultureInfo.InvariantCulture) : 3);

// The handler a service's factory-made client gets: pooled connections, and in mutual mode the caller's (Ordering's)
// certificate presented and only servers chained to the project CA accepted. One per client: a gRPC channel wraps its
// handler in its load balancer, which an HttpClient cannot send through.
var peer = mutual
    ? new PeerTls(new AgoraTlsOptions { Mode = AgoraTlsMode.Mutual, CertificateDirectory = certs }, "ordering",
        Environment.CurrentDirectory, TimeProvider.System, NullLogger<PeerTls>.Instance)
    : null;
SocketsHttpHandler Handler()
{
    var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), EnableMultipleHttp2Connections = true };
    peer?.ConfigureClient(handler);
    return handler;
}

using var grpcHandler = Handler();
using var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = grpcHandler });
using var restHandler = Handler();
using var http = new HttpClient(restHandler, disposeHandler: false) { BaseAddress = url };
var grpc = new CatalogService.CatalogServiceClient(channel);
Func<string, CancellationToken, Task> call = protocol == "grpc"
    ? async (id, ct) => await grpc.GetProductAsync(new GetProductRequest { ProductId = id }, cancellationToken: ct)
    : async (id, ct) =>
    {
        using var response = await http.GetAsync(new Uri("/api/v1/products/" + id, UriKind.Relative), HttpCompletionOption.ResponseContentRead, ct);
        response.EnsureSuccessStatusCode();
    };

await Load.RunAsync(call, ids, concurrency, warmup, record: false);
var result = await Load.RunAsync(call, ids, concurrency, duration, record: true);
Console.WriteLine(result);
return result.Errors > result.Requests / 100 ? 1 : 0;
