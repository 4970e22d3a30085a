extern alias gateway;

using System.Net;
using System.Text.Json.Nodes;
using Agora.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Gateway.Tests.Infrastructure;

/// <summary>
/// The gateway on a real Kestrel (loopback, free port), configured from an <c>appsettings.json</c> the test writes into a
/// temporary content root — the same file-based, reloading configuration it runs with, so rewriting the file
/// (<see cref="ReconfigureAsync"/>) exercises hot reload. Bearer tokens come from a <see cref="TestIdentity"/>.
/// </summary>
public sealed class GatewayApp : WebApplicationFactory<gateway::Program>
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "agora-gateway-tests", Guid.NewGuid().ToString("N")[..12]);
    private readonly List<Action<IServiceCollection>> _services = [];
    private readonly Dictionary<string, string?> _settings = new();

    public GatewayApp(TestIdentity identity, AgoraMode mode = AgoraMode.Embedded, int? managementPort = null)
    {
        ManagementPort = managementPort;
        Identity = identity;
        Mode = mode;
        Config = new JsonObject
        {
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning" } },
            ["Agora"] = new JsonObject { ["Mode"] = mode.ToString(), ["Auth"] = new JsonObject { ["Authority"] = identity.Issuer } },
            ["Gateway"] = new JsonObject
            {
                // The test's own clusters only, none from the service table (their names would merge with the table's).
                ["ClustersFromTopology"] = false,
                ["CorsOrigins"] = new JsonArray("http://shop.test"),
                ["Resilience"] = new JsonObject(),
                ["ApiKeys"] = new JsonObject(),
            },
            ["ReverseProxy"] = new JsonObject { ["Routes"] = new JsonObject(), ["Clusters"] = new JsonObject() },
        };
        if (mode == AgoraMode.Distributed)
        {
            TestServers.EnsureDistributedServers();
            Config["ConnectionStrings"] = new JsonObject { ["redis"] = TestServers.Redis };
        }

        UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            if (managementPort is { } port)
            {
                k.Listen(IPAddress.Loopback, port);
            }
        });
    }

    /// <summary>A second port the gateway listens on, for <c>Gateway:Management:Port</c>.</summary>
    public int? ManagementPort { get; }

    public TestIdentity Identity { get; }

    public AgoraMode Mode { get; }

    /// <summary>The configuration written to <c>appsettings.json</c> at start (and by <see cref="ReconfigureAsync"/>).</summary>
    public JsonObject Config { get; }

    /// <summary>The gateway's address, http://127.0.0.1:port/.</summary>
    public Uri Address { get; private set; } = null!;

    public JsonObject Resilience => Config["Gateway"]!["Resilience"]!.AsObject();

    public GatewayApp Route(string id, string path, string cluster, string policy = "anonymous", string[]? methods = null,
        JsonObject? metadata = null, JsonArray? transforms = null, long? maxBody = null)
    {
        var match = new JsonObject { ["Path"] = path };
        if (methods is not null)
        {
            match["Methods"] = new JsonArray(methods.Select(m => (JsonNode)m).ToArray());
        }

        var route = new JsonObject { ["ClusterId"] = cluster, ["Match"] = match, ["AuthorizationPolicy"] = policy };
        if (metadata is not null)
        {
            route["Metadata"] = metadata;
        }

        if (transforms is not null)
        {
            route["Transforms"] = transforms;
        }

        if (maxBody is not null)
        {
            route["MaxRequestBodySize"] = maxBody;
        }

        Config["ReverseProxy"]!["Routes"]![id] = route;
        return this;
    }

    /// <summary>A cluster balanced by power of two choices, with outlier ejection (reactivation as given) and optional active checks.</summary>
    public GatewayApp Cluster(string id, IEnumerable<Backend> replicas, TimeSpan? reactivation = null, TimeSpan? activeInterval = null,
        JsonObject? metadata = null)
    {
        var health = new JsonObject
        {
            ["Passive"] = new JsonObject
            {
                ["Enabled"] = true, ["Policy"] = "ConsecutiveFailures",
                ["ReactivationPeriod"] = (reactivation ?? TimeSpan.FromSeconds(30)).ToString("c"),
            },
        };
        if (activeInterval is { } interval)
        {
            health["Active"] = new JsonObject
            {
                ["Enabled"] = true, ["Interval"] = interval.ToString("c"), ["Timeout"] = "00:00:02",
                ["Policy"] = "ConsecutiveFailures", ["Path"] = "/health/ready",
            };
        }

        var destinations = new JsonObject();
        foreach (var replica in replicas)
        {
            destinations[replica.Name] = new JsonObject { ["Address"] = replica.Address };
        }

        Config["ReverseProxy"]!["Clusters"]![id] = new JsonObject
        {
            ["LoadBalancingPolicy"] = "PowerOfTwoChoices",
            ["HealthCheck"] = health,
            ["Destinations"] = destinations,
        };
        if (metadata is not null)
        {
            Config["ReverseProxy"]!["Clusters"]![id]!["Metadata"] = metadata;
        }

        return this;
    }

    public GatewayApp With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public GatewayApp WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>Writes the configuration, starts the gateway and returns a client for it.</summary>
    public HttpClient Start()
    {
        Directory.CreateDirectory(_root);
        File.WriteAllText(Path.Combine(_root, "appsettings.json"), Config.ToJsonString());
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        // The plain-HTTP endpoint (a test may add an HTTPS one in Config's Kestrel:Endpoints).
        var main = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal) && (ManagementPort is not { } port || new Uri(a).Port != port));
        Address = new Uri(main.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return NewClient();
    }

    /// <summary>
    /// A plain HTTP client for the gateway (no cookies, no redirects). The gateway runs in this process, so its telemetry
    /// listens to this client too: no propagator here, or the client would add its own traceparent to the one a test sets.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The client owns its handler (disposeHandler), and the caller owns the client.")]
    public HttpClient NewClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ActivityHeadersPropagator = null }) { BaseAddress = Address };

    /// <summary>Rewrites <c>appsettings.json</c> from <see cref="Config"/>; the gateway reloads it on its own.</summary>
    public Task ReconfigureAsync()
    {
        File.WriteAllText(Path.Combine(_root, "appsettings.json"), Config.ToJsonString());
        return Task.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseContentRoot(_root);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            foreach (var configure in _services)
            {
                configure(services);
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }
}
