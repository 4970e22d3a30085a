using Agora.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Agora.AppHost;

/// <summary>
/// The Agora app model: reads the mode and data directory once, then adds each service with one line
/// (<see cref="AddService{TProject}(string)"/>), its ports and the services it calls taken from the service table
/// (<see cref="ServiceTable"/>, src/Agora.Hosting/Topology/services.json). Each service starts once the services it calls
/// are healthy (the gateway last). Only projects and connection strings: no containers (docs/architecture.md §2).
/// </summary>
public sealed class AgoraAppModel
{
    /// <summary>Endpoint names on every service resource.</summary>
    public const string HttpEndpoint = "http", GrpcEndpoint = "grpc", MessagingEndpoint = "messaging";

    private readonly IDistributedApplicationBuilder _builder;
    private readonly List<IResourceBuilder<IResourceWithConnectionString>> _servers = [];
    private readonly List<AgoraService> _services = [];
    private readonly List<(AgoraService Stable, AgoraService Canary, double Weight)> _canaries = [];

    private readonly List<(AgoraService First, AgoraService Replica)> _replicas = [];
    private readonly List<IResourceBuilder<ProjectResource>> _resources = [];
    private readonly Dictionary<string, IResourceBuilder<ProjectResource>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _grpcReplicas = [];

    /// <summary>A canary listens on its stable version's ports + 10 (Catalog's on 5112 and 7112).</summary>
    public const int CanaryPortOffset = 10;

    /// <summary>Replica n (2, 3) of a service listens on the first one's ports + 20 × (n − 1) (Catalog's second on 5122 and 7122).</summary>
    public const int ReplicaPortOffset = 20;

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

        if ((settings.MutualTlsDirectory ?? settings.EdgeCertificateDirectory) is { } certificates)
        {
            MutualTlsCertificates.Create(settings.RepositoryRoot, certificates);
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
    public IReadOnlyList<AgoraService> Services => _services;

    /// <summary>Reads the AppHost's configuration; throws <see cref="AgoraConfigurationException"/> if it cannot start.</summary>
    public static AgoraAppModel Create(IDistributedApplicationBuilder builder) =>
        new(builder, AgoraSettings.From(builder.Configuration, builder.AppHostDirectory));

    /// <summary>
    /// Adds the service <paramref name="name"/> of the service table: its project with the table's fixed, unproxied ports
    /// (the service binds them itself, as <c>Kestrel__Endpoints__*</c> says), the mode, the data directory, the
    /// distributed-mode connection strings and a readiness check; it starts once every service it calls (the table's
    /// <c>calls</c>) that the model holds is healthy. OTLP export to the dashboard (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) is
    /// set by Aspire for every project.
    /// </summary>
    public IResourceBuilder<ProjectResource> AddService<TProject>(string name)
        where TProject : IProjectMetadata, new()
    {
        var service = AddService<TProject>(ServiceTable.Get(name));
        foreach (var callee in ServiceTable.Get(name).Calls)
        {
            if (_byName.TryGetValue(callee, out var dependency))
            {
                service.WaitFor(dependency);
            }
        }

        return service;
    }

    /// <summary>Adds one instance (the first, a canary or a replica) on the ports <paramref name="info"/> gives.</summary>
    private IResourceBuilder<ProjectResource> AddService<TProject>(AgoraService info)
        where TProject : IProjectMetadata, new()
    {
        _services.Add(info);
        var name = info.Name;

        // The service binds the ports named here (Kestrel__Endpoints__Http/Grpc, below); the endpoints make them known to
        // Aspire (dashboard, references, health checks), unproxied.
        var tls = MutualTls(info);
        var service = BuiltExecutable.Run(_builder.AddProject<TProject>(name))
            .WithEndpoint(HttpEndpoint, e => PinPort(e, info.HttpPort, "http", tls), createIfNotExists: true);
        if (info.GrpcPort is { } grpc)
        {
            // h2c needs an endpoint speaking only HTTP/2.
            service.WithEndpoint(GrpcEndpoint, e => PinPort(e, grpc, "http2", tls), createIfNotExists: true)
                .WithEnvironment("Kestrel__Endpoints__Grpc__Url", LocalUrl(grpc, MutualTls(info)))
                .WithEnvironment("Kestrel__Endpoints__Grpc__Protocols", "Http2");
        }

        if (Settings.Mode == AgoraMode.Embedded && info.Messaging)
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
            // The URLs Kestrel binds, explicitly: Aspire does not override the Kestrel:Endpoints a project's
            // appsettings.json declares, so a second instance of a project (a canary) would bind the first one's ports.
            .WithEnvironment("Kestrel__Endpoints__Http__Url", LocalUrl(info.HttpPort, MutualTls(info)))
            .WithEnvironment("Kestrel__Endpoints__Http__Protocols", "Http1")
            // Aspire stops the dashboard first; a service's last OTLP flush then waits out the export timeout (10 s by
            // default) before the process exits. Exports to the local dashboard take milliseconds, so 1 s is plenty.
            .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "1000")
            // The AppHost runs the shop for development: its services run in its environment (Development under `dotnet
            // run`, from launchSettings.json), which is what enables the demo accounts and clients, and what the demo-secret
            // guard of every service (ServiceDefaults' DemoSecrets) checks. Explicit, so no service's own launch profile decides.
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", EnvironmentName)
            .WithEnvironment("DOTNET_ENVIRONMENT", EnvironmentName)
            .WithEnvironment("Agora__Mode", Settings.Mode.ToString())
            .WithEnvironment("Agora__DataDirectory", Settings.DataDirectory);
        WithMutualTls(service, info);
        WithServerTls(service);
        foreach (var server in _servers)
        {
            service.WithReference(server);
        }

        foreach (var (key, value) in _grpcReplicas)
        {
            service.WithEnvironment(key, value);
        }

        _resources.Add(service);
        _byName[name] = service;
        return service;
    }

    /// <summary>
    /// A canary of <paramref name="stable"/> (guide §7.3) when <paramref name="weight"/> is set: the same project as a
    /// second resource, <c>&lt;name&gt;-canary</c>, on the stable ports + <see cref="CanaryPortOffset"/>, started once the
    /// stable version is healthy (its migrations and seed data come first). The gateway (<see cref="AddGateway{TProject}"/>)
    /// then sends it <paramref name="weight"/> % of the service's requests; <c>X-Agora-Version: canary|stable</c> pins one.
    /// In a deployment the canary is the new build; here it is the same build, which is what a canary of configuration
    /// or of a migration looks like, and what shows the split working.
    /// </summary>
    public IResourceBuilder<ProjectResource>? AddCanary<TProject>(IResourceBuilder<ProjectResource> stable, double? weight)
        where TProject : IProjectMetadata, new()
    {
        if (weight is not { } share)
        {
            return null;
        }

        var info = _services.Single(s => s.Name == stable.Resource.Name);
        var canary = AddService<TProject>(Offset(info, info.Name + "-canary", CanaryPortOffset))
            .WaitFor(stable);
        _canaries.Add((info, _services[^1], share));
        return canary;
    }

    /// <summary>
    /// The other replicas of <paramref name="first"/> when <see cref="AgoraSettings.Replicas"/> is above 1, the way a
    /// Deployment runs them: the same project as <c>&lt;name&gt;-2</c>, <c>&lt;name&gt;-3</c> on the first one's ports +
    /// <see cref="ReplicaPortOffset"/> × (n − 1), sharing its database and broker queue (Wolverine's competing consumers
    /// and durable inbox). The first instance migrates at start; the others start once it is healthy and, like a replica in
    /// the production overlay, never migrate (<c>Agora:Database:MigrateOnStart=false</c>). The gateway
    /// (<see cref="AddGateway{TProject}"/>) spreads each service's requests over all its replicas.
    /// </summary>
    /// <param name="first">The service's first instance.</param>
    /// <param name="localState">
    /// The service keeps state of its own beside the database (Search's index): each replica then gets every event on a
    /// queue of its own instead of sharing the first one's, as each pod of it would (one queue per pod).
    /// </param>
    public IReadOnlyList<IResourceBuilder<ProjectResource>> AddReplicas<TProject>(IResourceBuilder<ProjectResource> first, bool localState = false)
        where TProject : IProjectMetadata, new()
    {
        var info = _services.Single(s => s.Name == first.Resource.Name);
        var replicas = new List<IResourceBuilder<ProjectResource>>();
        for (var n = 2; n <= Settings.Replicas; n++)
        {
            var offset = ReplicaPortOffset * (n - 1);
            var replica = AddService<TProject>(Offset(info, $"{info.Name}-{n}", offset))
                .WithEnvironment("Agora__Database__MigrateOnStart", "false")
                // Its own writable directory, as a pod's volume is its own (files such as Search's index are per process).
                .WithEnvironment("Agora__DataDirectory", Path.Combine(Settings.DataDirectory, $"{info.Name}-{n}"))
                .WaitFor(first);
            if (localState)
            {
                replica.WithEnvironment("Agora__Messaging__QueueName", "agora." + info.Name + "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            _replicas.Add((info, _services[^1]));
            replicas.Add(replica);
        }

        if (info.GrpcPort is { } grpc && Settings.Replicas > 1)
        {
            // Its gRPC callers (Ordering and Search → Catalog, the gateway's GraphQL → Catalog and Identity) get every
            // replica and spread their calls round-robin (ServiceDefaults' AddAgoraGrpcClient takes a list).
            var key = $"Agora__Services__{info.Name}__Grpc";
            var value = string.Join(';', Enumerable.Range(0, Settings.Replicas).Select(n => LocalUrl(grpc + ReplicaPortOffset * n, MutualTls(info))));
            _grpcReplicas[key] = value;
            foreach (var resource in _resources)
            {
                resource.WithEnvironment(key, value);
            }
        }

        return replicas;
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

    /// <summary>
    /// The gateway (<c>gateway</c> in the service table): every client's one door. It references and waits for every
    /// service it calls (the table's <c>calls</c>, which are also its YARP clusters), so its first answer comes from a shop
    /// whose services are all ready; and it gets the development client it verifies API keys with.
    /// </summary>
    public IResourceBuilder<ProjectResource> AddGateway<TProject>()
        where TProject : IProjectMetadata, new()
    {
        var info = ServiceTable.Get("gateway");
        var missing = info.Calls.Where(c => !_byName.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new AgoraConfigurationException(
                $"The gateway fronts {string.Join(", ", missing)} (src/Agora.Hosting/Topology/services.json), which the app model has not added: add them before the gateway.");
        }

        var gateway = WithEdgeTls(ConfigureGateway(AddService<TProject>(info.Name), info), info);

        // Replicas of the gateway itself (Kubernetes puts a Service in front of them; here the door stays 8080 and the
        // others answer on 8100 and 8120).
        for (var n = 2; n <= Settings.Replicas; n++)
        {
            var instance = Offset(info, $"{info.Name}-{n}", ReplicaPortOffset * (n - 1));
            var replica = WithEdgeTls(ConfigureGateway(AddService<TProject>(instance), info), instance)
                .WaitFor(gateway);
            foreach (var callee in info.Calls)
            {
                replica.WaitFor(_byName[callee]);
            }
        }

        return gateway;
    }

    private IResourceBuilder<ProjectResource> ConfigureGateway(IResourceBuilder<ProjectResource> gateway, AgoraService info)
    {
        gateway = gateway
            .WithEnvironment("Gateway__ApiKeys__ClientId", _builder.Configuration["Agora:GatewayClientId"] ?? "agora-scripts")
            .WithEnvironment("Gateway__ApiKeys__ClientSecret", DevelopmentSecret("Agora:GatewayClientSecret", "agora-scripts-secret"))
            // The storefront's origin (the service table's web), for pages that call the API from the browser.
            .WithEnvironment("Gateway__CorsOrigins__0", ServiceTable.Get("web").HttpUrl());
        foreach (var callee in info.Calls)
        {
            gateway.WithReference(_byName[callee]);
        }

        // A canary is a cluster of its own, named in the stable cluster's metadata (CanarySplit): every route to the
        // service splits, without touching a route.
        foreach (var (stable, canary, weight) in _canaries)
        {
            var prefix = $"ReverseProxy__Clusters__{canary.Name}__";
            var address = LocalUrl(canary.HttpPort, MutualTls(canary)) + "/";
            gateway
                .WithEnvironment($"ReverseProxy__Clusters__{stable.Name}__Metadata__Canary.Cluster", canary.Name)
                .WithEnvironment($"ReverseProxy__Clusters__{stable.Name}__Metadata__Canary.Weight", weight.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithEnvironment(prefix + "LoadBalancingPolicy", "PowerOfTwoChoices")
                .WithEnvironment(prefix + "HealthCheck__Active__Enabled", "true")
                .WithEnvironment(prefix + "HealthCheck__Active__Interval", "00:00:10")
                .WithEnvironment(prefix + "HealthCheck__Active__Timeout", "00:00:05")
                .WithEnvironment(prefix + "HealthCheck__Active__Policy", "ConsecutiveFailures")
                .WithEnvironment(prefix + "HealthCheck__Active__Path", "/health/ready")
                .WithEnvironment(prefix + "HealthCheck__Passive__Enabled", "true")
                .WithEnvironment(prefix + "HealthCheck__Passive__Policy", "ConsecutiveFailures")
                .WithEnvironment(prefix + "HealthCheck__Passive__ReactivationPeriod", "00:00:30")
                .WithEnvironment(prefix + $"Destinations__{canary.Name}-1__Address", address);
        }

        // Replicas are more destinations of the service's cluster: every route to the service spreads over them
        // (PowerOfTwoChoices), and the cluster's health checks take a stopped or not-yet-ready replica out.
        foreach (var (first, replica) in _replicas)
        {
            gateway.WithEnvironment($"ReverseProxy__Clusters__{first.Name}__Destinations__{replica.Name}__Address",
                LocalUrl(replica.HttpPort, MutualTls(replica)) + "/");
        }

        return gateway;
    }

    /// <summary>
    /// <c>--Agora:Tls:Edge=true</c> (distributed mode): the gateway instance serves HTTPS on its table port (8443, a replica
    /// + 20) with the certificate <c>scripts/certs.sh</c> made (read again at each handshake, so a renewal needs no restart
    /// and never closes the port), sends HSTS there and redirects plain HTTP to it
    /// (<c>Gateway:Https:Port</c>). Off, nothing is added: the gateway answers plain HTTP as before.
    /// </summary>
    private IResourceBuilder<ProjectResource> WithEdgeTls(IResourceBuilder<ProjectResource> gateway, AgoraService instance)
    {
        if (Settings.EdgeCertificateDirectory is not { } directory || instance.HttpsPort is not { } port)
        {
            return gateway;
        }

        return gateway
            .WithEndpoint("https", e =>
            {
                e.Port = port;
                e.TargetPort = port;
                e.IsProxied = false;
                e.UriScheme = "https";
            }, createIfNotExists: true)
            .WithEnvironment("Kestrel__Endpoints__Https__Url", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"https://localhost:{port}"))
            .WithEnvironment("Kestrel__Endpoints__Https__Protocols", "Http1AndHttp2")
            // Read per handshake (Agora:Tls:Https), not Kestrel's Certificate:Path, which rebinds the port when the files change.
            .WithEnvironment("Agora__Tls__Https__CertificatePath", Path.Combine(directory, "gateway.crt"))
            .WithEnvironment("Agora__Tls__Https__KeyPath", Path.Combine(directory, "gateway.key"))
            .WithEnvironment("Gateway__Https__Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The storefront's OIDC client id (<c>Identity:Clients</c>).</summary>
    public const string StorefrontClientId = "agora-storefront";

    /// <summary>
    /// The storefront (<c>web</c> in the service table, http://localhost:3000), started after the gateway it calls. Its
    /// OIDC client is defined here, from configuration, for both sides: Identity gets it as
    /// <c>Identity:Clients:agora-storefront</c> (confidential, first party, code + PKCE, its redirect and post-logout
    /// addresses, customer scopes, and the roles, admin:ops and write:catalog scopes the console needs: Identity grants
    /// admin:ops and write:catalog to staff only) and the web app its id and secret (<c>Agora:WebClientSecret</c>, or in Development the
    /// published demo value). In the distributed mode the browser and the web app reach the gateway at its TLS edge, and
    /// under mutual TLS the web app calls Identity over https with its certificate.
    /// </summary>
    public IResourceBuilder<ProjectResource> AddStorefront<TProject>(IResourceBuilder<ProjectResource> identity)
        where TProject : IProjectMetadata, new()
    {
        var info = ServiceTable.Get("web");
        var secret = DevelopmentSecret("Agora:WebClientSecret", DemoSecrets.WebClientSecret);
        const string client = "Identity__Clients__" + StorefrontClientId + "__";
        identity
            .WithEnvironment(client + "Type", "Confidential")
            .WithEnvironment(client + "FirstParty", "true")
            .WithEnvironment(client + "DisplayName", "Agora storefront")
            .WithEnvironment(client + "RedirectUris__0", info.HttpUrl() + "/signin-oidc")
            .WithEnvironment(client + "PostLogoutRedirectUris__0", info.HttpUrl() + "/signout-callback-oidc")
            .WithEnvironment(client + "Secret", secret);
        // roles and admin:ops for the operations console (/console), write:catalog for its catalogue and stock page
        // (/console/catalogue): Identity grants admin:ops and write:catalog to staff only (ScopePolicy).
        string[] scopes = ["profile", "email", "roles", "read:users", "write:users", "read:orders", "write:orders", "read:catalog", "admin:ops", "write:catalog"];
        for (var i = 0; i < scopes.Length; i++)
        {
            identity.WithEnvironment(client + "Scopes__" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), scopes[i]);
        }

        var web = AddService<TProject>(info.Name)
            .WithEnvironment("Web__Oidc__ClientId", StorefrontClientId)
            .WithEnvironment("Web__Oidc__ClientSecret", secret);
        if (Settings.EdgeCertificateDirectory is not null && ServiceTable.Get("gateway").HttpsPort is { } edge)
        {
            var gateway = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"https://localhost:{edge}");
            web.WithEnvironment("Web__GatewayUrl", gateway)
                // Identity's pages through the gateway's /connect and /account routes: under mutual TLS a browser cannot reach 5101.
                .WithEnvironment("Web__Oidc__BrowserUrl", gateway + "/");
        }

        if (Settings.MutualTlsDirectory is not null)
        {
            web.WithEnvironment("Web__Oidc__BackchannelUrl", ServiceTable.Get("identity").HttpUrl(tls: true) + "/");
        }

        return web;
    }

    /// <summary>The environment the services run in: the AppHost's own (Development under <c>dotnet run</c>).</summary>
    public string EnvironmentName => _builder.Environment.EnvironmentName;

    /// <summary>
    /// The secret configured as <paramref name="setting"/>; without one, the published demo value, but in Development
    /// only: elsewhere the AppHost refuses to start rather than hand a service a secret anyone can read.
    /// </summary>
    public string DevelopmentSecret(string setting, string demoValue) =>
        _builder.Configuration[setting] is { Length: > 0 } configured ? configured
        : _builder.Environment.EnvironmentName == "Development" ? demoValue
        : throw new AgoraConfigurationException(
            $"{setting} is not set: outside the Development environment the AppHost hands out no demo secret; set it (from a secret store).");

    /// <summary>Identity: passes <c>Agora:DemoAccounts</c> on as <c>Identity:SeedDemoAccounts</c> when it is set.</summary>
    public IResourceBuilder<ProjectResource> WithDemoAccounts(IResourceBuilder<ProjectResource> identity) =>
        Settings.DemoAccounts is { } demo ? identity.WithEnvironment("Identity__SeedDemoAccounts", demo ? "true" : "false") : identity;

    /// <summary>Another instance of <paramref name="info"/>: its ports moved by <paramref name="offset"/>.</summary>
    private static AgoraService Offset(AgoraService info, string name, int offset) =>
        info with { Name = name, HttpPort = info.HttpPort + offset, GrpcPort = info.GrpcPort + offset, HttpsPort = info.HttpsPort + offset };

    private static string LocalUrl(int port, bool tls = false) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(tls ? "https" : "http")}://localhost:{port}");

    /// <summary>Endpoint name of the plain probe port of a service under mutual TLS.</summary>
    public const string ProbeEndpoint = "probe";

    /// <summary>Providers' stand-ins: outside the shop, never mutual TLS (Payment and Notification call them as they would the real ones).</summary>
    private static readonly HashSet<string> OutsideTheShop = new(StringComparer.Ordinal) { "psp", "devinbox" };

    /// <summary>The table's name of an instance (<c>catalog-canary</c>, <c>catalog-2</c> → <c>catalog</c>): whose certificate it holds.</summary>
    private static string BaseName(AgoraService info) => info.Name.Split('-')[0];

    /// <summary>The doors browsers use: they serve plain HTTP (or the edge's TLS) and present their certificate as clients only.</summary>
    private static readonly HashSet<string> Edge = new(StringComparer.Ordinal) { "gateway", "web" };

    /// <summary>Whether the instance serves mutual TLS on its HTTP and gRPC ports (every service but the edge and the stand-ins).</summary>
    private bool MutualTls(AgoraService info) =>
        Settings.MutualTlsDirectory is not null && !Edge.Contains(BaseName(info)) && !OutsideTheShop.Contains(BaseName(info));

    /// <summary>
    /// <c>--Agora:Tls:Mode=Mutual</c>: the instance's certificate (its table name's, from <c>scripts/certs.sh</c>), https
    /// addresses for every peer, and readiness checked on the plain probe port (HTTP port + 3000), which answers only
    /// <c>/health/*</c> and <c>/metrics</c>. The gateway presents its certificate as a client only. Off: the readiness check on
    /// the HTTP port, as before.
    /// </summary>
    private void WithMutualTls(IResourceBuilder<ProjectResource> service, AgoraService info)
    {
        if (Settings.MutualTlsDirectory is not { } directory || OutsideTheShop.Contains(BaseName(info)))
        {
            service.WithHttpHealthCheck("/health/ready", endpointName: HttpEndpoint);
            return;
        }

        var name = BaseName(info);
        service
            .WithEnvironment("Agora__Tls__Mode", "Mutual")
            .WithEnvironment("Agora__Tls__CertificateDirectory", directory)
            .WithEnvironment("Agora__Tls__CertificatePath", Path.Combine(directory, name + ".crt"))
            .WithEnvironment("Agora__Tls__KeyPath", Path.Combine(directory, name + ".key"))
            .WithEnvironment("Agora__Tls__CaPath", Path.Combine(directory, "ca.crt"))
            .WithEnvironment("Agora__Auth__Authority", ServiceTable.Get("identity").HttpUrl(tls: true) + "/")
            // Identity's tokens keep the issuer they always had; only the address keys are fetched from changes.
            .WithEnvironment("Agora__Auth__Issuer", ServiceTable.Get("identity").HttpUrl() + "/");
        if (name == "gateway")
        {
            service.WithEnvironment("Gateway__ApiKeys__IdentityUrl", ServiceTable.Get("identity").HttpUrl(tls: true) + "/");
            foreach (var peer in new[] { "identity", "ordering", "catalog", "search" })
            {
                service.WithEnvironment($"Agora__Services__{peer}__Http", ServiceTable.Get(peer).HttpUrl(tls: true));
            }
        }

        if (Edge.Contains(name))
        {
            service.WithHttpHealthCheck("/health/ready", endpointName: HttpEndpoint);
            return;
        }

        var probe = info.HttpPort + AgoraTlsOptions.ProbePortOffset;
        service
            .WithEndpoint(ProbeEndpoint, e => PinPort(e, probe, "http"), createIfNotExists: true)
            .WithEnvironment("Agora__Tls__ProbePort", probe.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithHttpHealthCheck("/health/ready", endpointName: ProbeEndpoint);
    }

    /// <summary>
    /// <c>Agora:Tls:Servers:Mode</c> and <c>CaPath</c> (TLS to PostgreSQL and RabbitMQ), when the AppHost is given them,
    /// reach every service as given (the CA path made absolute from the repo root); unset, each service decides from
    /// <c>Agora:Tls:Mode</c> (AgoraTlsOptions.ServerCa).
    /// </summary>
    private void WithServerTls(IResourceBuilder<ProjectResource> service)
    {
        if (_builder.Configuration["Agora:Tls:Servers:Mode"] is { Length: > 0 } mode)
        {
            service.WithEnvironment("Agora__Tls__Servers__Mode", mode);
        }

        if (_builder.Configuration["Agora:Tls:Servers:CaPath"] is { Length: > 0 } ca)
        {
            service.WithEnvironment("Agora__Tls__Servers__CaPath", Path.GetFullPath(ca, Settings.RepositoryRoot));
        }
    }

    private static void PinPort(EndpointAnnotation endpoint, int port, string transport, bool tls = false)
    {
        endpoint.Port = port;
        endpoint.TargetPort = port;
        endpoint.IsProxied = false;
        endpoint.Transport = transport;
        endpoint.UriScheme = transport == "tcp" ? "tcp" : tls ? "https" : "http";
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
                      + (Settings.Mode == AgoraMode.Embedded && s.Messaging ? $"   messages tcp://localhost:{s.MessagePort}" : ""));
            lines.Add($"  {"",-11} OpenAPI {http}/openapi/v1.json   health {http}/health/ready (/health/live)   metrics {http}/metrics");
            if (s.Name.StartsWith("gateway", StringComparison.Ordinal) && Settings.EdgeCertificateDirectory is { } certificates && s.HttpsPort is { } tls)
            {
                lines.Add($"  {"",-11} HTTPS https://localhost:{tls}/ (HSTS; {http} redirects there; CA {Path.Combine(certificates, "ca.crt")})");
            }
        }

        foreach (var (stable, canary, weight) in _canaries)
        {
            lines.Add($"  canary      {canary.Name} gets {weight.ToString(System.Globalization.CultureInfo.InvariantCulture)} % of {stable.Name}'s "
                      + $"requests through the gateway (header X-Agora-Version: canary|stable pins one)");
        }

        lines.Add("====================================");
        return string.Join(Environment.NewLine, lines);
    }
}
