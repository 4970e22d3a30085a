using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Agora.AppHost;

/// <summary>Where one service listens. Every port is fixed so the shop looks the same on every machine (ARCHITECTURE.md §2).</summary>
/// <param name="Name">Resource and service name (<c>catalog</c>).</param>
/// <param name="HttpPort">REST, OpenAPI, health and metrics (HTTP/1.1).</param>
/// <param name="GrpcPort">gRPC over h2c, if the service speaks it.</param>
public sealed record AgoraServiceInfo(string Name, int HttpPort, int? GrpcPort)
{
    /// <summary>Embedded mode: the Wolverine TCP port the service receives messages on (HTTP port + 1000).</summary>
    public int MessagePort => HttpPort + 1000;

    /// <summary>Whether the service uses messaging (the gateway does not). Default true.</summary>
    public bool HasMessaging { get; init; } = true;
}

/// <summary>
/// The Agora app model: reads the mode and data directory once, then adds each service with one line
/// (<see cref="AddService{TProject}"/>). Only projects and connection strings: no containers (ARCHITECTURE.md §9).
/// </summary>
public sealed class AgoraAppModel
{
    /// <summary>Endpoint names on every service resource.</summary>
    public const string HttpEndpoint = "http", GrpcEndpoint = "grpc", MessagingEndpoint = "messaging";

    private readonly IDistributedApplicationBuilder _builder;
    private readonly List<IResourceBuilder<IResourceWithConnectionString>> _servers = [];
    private readonly List<AgoraServiceInfo> _services = [];

    private AgoraAppModel(IDistributedApplicationBuilder builder, AgoraSettings settings)
    {
        _builder = builder;
        Settings = settings;
        if (settings.Mode == AgoraMode.Distributed)
        {
            // The values come from the AppHost's ConnectionStrings section (checked in AgoraSettings.From); they show up
            // in the dashboard as secret parameters and reach each service as ConnectionStrings__<name>.
            _servers.AddRange(AgoraSettings.DistributedServers.Select(s => builder.AddConnectionString(s.ConnectionName)));
        }

        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((_, _) =>
        {
            Console.WriteLine(Summary());
            return Task.CompletedTask;
        });
    }

    /// <summary>The mode and data directory every service gets.</summary>
    public AgoraSettings Settings { get; }

    /// <summary>The services added so far, in order.</summary>
    public IReadOnlyList<AgoraServiceInfo> Services => _services;

    /// <summary>Reads the AppHost's configuration; throws <see cref="AgoraConfigurationException"/> if it cannot start.</summary>
    public static AgoraAppModel Create(IDistributedApplicationBuilder builder) =>
        new(builder, AgoraSettings.From(builder.Configuration, builder.AppHostDirectory));

    /// <summary>
    /// Adds a service project with fixed, unproxied ports (the service binds them itself, as its own Kestrel
    /// configuration says), the mode, the data directory, the distributed-mode connection strings and a readiness check.
    /// OTLP export to the dashboard (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) is set by Aspire for every project.
    /// </summary>
    /// <param name="name">Resource and service name.</param>
    /// <param name="httpPort">REST port.</param>
    /// <param name="grpcPort">gRPC (h2c) port, if the service speaks it.</param>
    /// <param name="messaging">Whether the service sends or receives messages (embedded mode: it listens on HTTP port + 1000).</param>
    public IResourceBuilder<ProjectResource> AddService<TProject>(string name, int httpPort, int? grpcPort = null, bool messaging = true)
        where TProject : IProjectMetadata, new()
    {
        var info = new AgoraServiceInfo(name, httpPort, grpcPort) { HasMessaging = messaging };
        _services.Add(info);

        // Convention: a service declares Kestrel:Endpoints "Http" (Http1) and, if it speaks gRPC, "Grpc" (Http2) in its
        // appsettings.json. Aspire turns them into endpoints named after those keys and overrides their URLs with
        // Kestrel__Endpoints__<name>__Url; unproxied, the target port is the port, so the service binds it itself.
        var service = _builder.AddProject<TProject>(name)
            .WithEndpoint(HttpEndpoint, e => PinPort(e, httpPort, "http"), createIfNotExists: true);
        if (grpcPort is { } grpc)
        {
            // h2c needs an endpoint speaking only HTTP/2, which Aspire cannot express: the service declares it.
            if (!service.Resource.Annotations.OfType<EndpointAnnotation>().Any(e =>
                    string.Equals(e.Name, GrpcEndpoint, StringComparison.OrdinalIgnoreCase) && e.Transport == "http2"))
            {
                throw new AgoraConfigurationException(
                    $"Service '{name}' speaks gRPC on {grpc}: declare Kestrel:Endpoints:Grpc " +
                    $"{{ \"Url\": \"http://localhost:{grpc}\", \"Protocols\": \"Http2\" }} in its appsettings.json.");
            }

            service.WithEndpoint(GrpcEndpoint, e => PinPort(e, grpc, "http2"));
        }

        if (Settings.Mode == AgoraMode.Embedded && messaging)
        {
            // Shown in the dashboard only; Wolverine opens it.
            service.WithEndpoint(MessagingEndpoint, e =>
            {
                PinPort(e, info.MessagePort, "tcp");
                e.IsExternal = false;
            }, createIfNotExists: true);
        }

        service
            // Kestrel is told about its own endpoints only; other ports (messages, SMTP) the service opens itself.
            .WithEndpointsInEnvironment(e => e.Name is HttpEndpoint or GrpcEndpoint)
            // Aspire stops the dashboard first; a service's last OTLP flush then waits out the export timeout (10 s by
            // default) before the process exits. Exports to the local dashboard take milliseconds, so 1 s is plenty.
            .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "1000")
            .WithEnvironment("Agora__Mode", Settings.Mode.ToString())
            .WithEnvironment("Agora__DataDirectory", Settings.DataDirectory)
            .WithHttpHealthCheck("/health/ready", endpointName: HttpEndpoint);
        foreach (var server in _servers)
        {
            service.WithReference(server);
        }

        return service;
    }

    /// <summary>The development inbox's SMTP port.</summary>
    public const int DevInboxSmtpPort = 2525;

    /// <summary>The development inbox: its SMTP port as an endpoint (shown in the dashboard) and where it writes <c>.eml</c> files.</summary>
    public IResourceBuilder<ProjectResource> AddDevInbox(IResourceBuilder<ProjectResource> inbox) => inbox
        .WithEndpoint("smtp", e =>
        {
            PinPort(e, DevInboxSmtpPort, "tcp");
            e.IsExternal = false;
        }, createIfNotExists: true)
        .WithEnvironment("DevInbox__SmtpPort", DevInboxSmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WithEnvironment("DevInbox__Directory", Path.Combine(Settings.DataDirectory, "mail"));

    /// <summary>The gateway's port: every client's one door (ARCHITECTURE.md §2).</summary>
    public const int GatewayPort = 8080;

    /// <summary>
    /// The gateway: a service without messaging on <see cref="GatewayPort"/>, referencing the services it routes to (its
    /// routes name their fixed ports in its own configuration), with the development client it verifies API keys with.
    /// </summary>
    public IResourceBuilder<ProjectResource> AddGateway<TProject>(string name, params IResourceBuilder<ProjectResource>[] services)
        where TProject : IProjectMetadata, new()
    {
        var gateway = AddService<TProject>(name, GatewayPort, messaging: false)
            .WithEnvironment("Gateway__ApiKeys__ClientId", _builder.Configuration["Agora:GatewayClientId"] ?? "agora-scripts")
            .WithEnvironment("Gateway__ApiKeys__ClientSecret", _builder.Configuration["Agora:GatewayClientSecret"] ?? "agora-scripts-secret");
        foreach (var service in services)
        {
            gateway.WithReference(service);
        }

        return gateway;
    }

    /// <summary>Identity: passes <c>Agora:DemoAccounts</c> on as <c>Identity:SeedDemoAccounts</c> when it is set.</summary>
    public IResourceBuilder<ProjectResource> WithDemoAccounts(IResourceBuilder<ProjectResource> identity) =>
        Settings.DemoAccounts is { } demo ? identity.WithEnvironment("Identity__SeedDemoAccounts", demo ? "true" : "false") : identity;

    private static void PinPort(EndpointAnnotation endpoint, int port, string transport)
    {
        endpoint.Port = port;
        endpoint.TargetPort = port;
        endpoint.IsProxied = false;
        endpoint.Transport = transport;
        endpoint.UriScheme = transport == "tcp" ? "tcp" : "http";
    }

    /// <summary>The "where everything is" text printed once the resources are created.</summary>
    public string Summary()
    {
        var config = _builder.Configuration;
        var dashboard = (config["ASPNETCORE_URLS"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var token = config["AppHost:BrowserToken"];
        var lines = new List<string>
        {
            "",
            "==== Agora: where everything is ====",
            $"  mode        {Settings.Mode.ToString().ToLowerInvariant()}",
            dashboard is null
                ? "  dashboard   (not configured)"
                : $"  dashboard   {dashboard}" + (string.IsNullOrEmpty(token) ? "" : $"  (login: {dashboard}/login?t={token})"),
            Settings.Mode == AgoraMode.Embedded
                ? $"  data        {Settings.DataDirectory}  (<service>.db, SQLite)"
                : $"  servers     {string.Join(", ", AgoraSettings.DistributedServers.Select(s => $"{s.Product} (ConnectionStrings:{s.ConnectionName})"))}",
        };
        foreach (var s in _services)
        {
            var http = $"http://localhost:{s.HttpPort}";
            lines.Add($"  {s.Name,-11} REST {http}/api/v1/"
                      + (s.GrpcPort is { } g ? $"   gRPC http://localhost:{g} (h2c)" : "")
                      + (Settings.Mode == AgoraMode.Embedded && s.HasMessaging ? $"   messages tcp://localhost:{s.MessagePort}" : ""));
            lines.Add($"  {"",-11} OpenAPI {http}/openapi/v1.json   health {http}/health/ready (/health/live)   metrics {http}/metrics");
        }

        lines.Add("====================================");
        return string.Join(Environment.NewLine, lines);
    }
}
