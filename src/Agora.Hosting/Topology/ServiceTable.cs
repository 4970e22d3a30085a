using System.Globalization;
using System.Text.Json;

namespace Agora.Hosting;

/// <summary>One service of the table: where it listens on a developer's machine and whom it calls.</summary>
/// <param name="Name">Resource, service, cluster and queue name (<c>catalog</c>).</param>
/// <param name="HttpPort">REST, OpenAPI, health and metrics (HTTP/1.1).</param>
/// <param name="GrpcPort">gRPC over h2c, if the service speaks it.</param>
/// <param name="HttpsPort">HTTPS, if the service serves TLS itself.</param>
/// <param name="Messaging">Whether it sends or receives messages (embedded mode: it listens on <see cref="MessagePort"/>).</param>
/// <param name="Calls">The services it calls synchronously (HTTP or gRPC); the gateway's are its clusters and what it waits for.</param>
public sealed record AgoraService(string Name, int HttpPort, int? GrpcPort, int? HttpsPort, bool Messaging, IReadOnlyList<string> Calls)
{
    /// <summary>Embedded mode: the Wolverine TCP port the service receives messages on.</summary>
    public int MessagePort => HttpPort + ServiceTable.MessagePortOffset;

    /// <summary>Its REST base address on <paramref name="host"/>, without a trailing slash (https when <paramref name="tls"/>: mutual TLS).</summary>
    public string HttpUrl(string host = "localhost", bool tls = false) =>
        string.Create(CultureInfo.InvariantCulture, $"{(tls ? "https" : "http")}://{host}:{HttpPort}");

    /// <summary>Its gRPC address on <paramref name="host"/> (h2c, or TLS when <paramref name="tls"/>); throws if it speaks no gRPC.</summary>
    public string GrpcUrl(string host = "localhost", bool tls = false) => GrpcPort is { } port
        ? string.Create(CultureInfo.InvariantCulture, $"{(tls ? "https" : "http")}://{host}:{port}")
        : throw new InvalidOperationException($"Service '{Name}' speaks no gRPC (src/Agora.Hosting/Topology/services.json).");
}

/// <summary>
/// The one table of Agora's services, <c>services.json</c> beside this file (embedded in the assembly): the AppHost, each
/// service's default Kestrel endpoints (<see cref="KestrelDefaults"/>), the gateway's clusters and the deployment check all
/// read it, so a port is written once.
/// </summary>
public static class ServiceTable
{
    /// <summary>Embedded mode: a service receives messages on its HTTP port + this.</summary>
    public const int MessagePortOffset = 1000;

    private static readonly Lazy<IReadOnlyList<AgoraService>> Table = new(Load);

    /// <summary>Every service, in the table's order.</summary>
    public static IReadOnlyList<AgoraService> All => Table.Value;

    /// <summary>The service named <paramref name="name"/>; throws naming the table if there is none.</summary>
    public static AgoraService Get(string name) => Find(name)
        ?? throw new KeyNotFoundException($"No service '{name}' in src/Agora.Hosting/Topology/services.json.");

    /// <summary>The service named <paramref name="name"/>, or null.</summary>
    public static AgoraService? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// The service's default listening addresses as configuration keys, meant as the lowest-precedence configuration
    /// source (anything configured wins: the AppHost's <c>Kestrel__Endpoints__*</c>, a Kubernetes ConfigMap, a test's own
    /// listener). A service with gRPC gets two Kestrel endpoints, <c>Http</c> (HTTP/1.1) and <c>Grpc</c> (HTTP/2 only,
    /// h2c); one without gets <c>urls</c>, which a listener configured in code or in <c>Kestrel:Endpoints</c> replaces, and
    /// HTTP/1.1 as every endpoint's default protocol. With <paramref name="tls"/> (<c>Agora:Tls:Mode=Mutual</c>) both are
    /// named endpoints with https addresses (ServiceDefaults puts mutual TLS on them).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> KestrelDefaults(string name, bool tls = false)
    {
        var service = Get(name);
        if (tls)
        {
            var endpoints = new Dictionary<string, string?>
            {
                ["Kestrel:Endpoints:Http:Url"] = service.HttpUrl(tls: true),
                ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            };
            if (service.GrpcPort is not null)
            {
                endpoints["Kestrel:Endpoints:Grpc:Url"] = service.GrpcUrl(tls: true);
                endpoints["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
            }

            return endpoints;
        }

        if (service.GrpcPort is null)
        {
            return new Dictionary<string, string?> { ["urls"] = service.HttpUrl(), ["Kestrel:EndpointDefaults:Protocols"] = "Http1" };
        }

        return new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Http:Url"] = service.HttpUrl(),
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            ["Kestrel:Endpoints:Grpc:Url"] = service.GrpcUrl(),
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
        };
    }

    private static List<AgoraService> Load()
    {
        using var stream = typeof(ServiceTable).Assembly.GetManifestResourceStream("Agora.Hosting.Topology.services.json")
                           ?? throw new InvalidOperationException("services.json is not embedded in Agora.Contracts.");
        using var json = JsonDocument.Parse(stream);
        var services = json.RootElement.GetProperty("services").EnumerateArray().Select(s => new AgoraService(
            s.GetProperty("name").GetString()!,
            s.GetProperty("http").GetInt32(),
            s.TryGetProperty("grpc", out var grpc) ? grpc.GetInt32() : null,
            s.TryGetProperty("https", out var https) ? https.GetInt32() : null,
            !s.TryGetProperty("messaging", out var messaging) || messaging.GetBoolean(),
            s.TryGetProperty("calls", out var calls) ? calls.EnumerateArray().Select(c => c.GetString()!).ToArray() : [])).ToList();

        var ports = services.SelectMany(s => new[] { s.HttpPort, s.GrpcPort, s.HttpsPort, s.Messaging ? s.MessagePort : null })
            .OfType<int>().GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var unknown = services.SelectMany(s => s.Calls.Where(c => services.All(o => o.Name != c)).Select(c => $"{s.Name} → {c}")).ToList();
        return ports.Count > 0 || unknown.Count > 0
            ? throw new InvalidOperationException("services.json: ports used twice: " + string.Join(", ", ports) + "; calls to no service: " + string.Join(", ", unknown))
            : services;
    }
}
