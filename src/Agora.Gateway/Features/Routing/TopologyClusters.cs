using System.Globalization;
using Agora.Hosting;
using Microsoft.Extensions.Configuration.Memory;

namespace Agora.Gateway.Features.Routing;

/// <summary>
/// The gateway's YARP clusters, built from the service table (<see cref="ServiceTable"/>): one per service the gateway
/// calls, alike but for the name and address: power of two choices, active health checks of <c>/health/ready</c> every
/// 10 s, passive outlier ejection, and one destination, <c>&lt;name&gt;-1</c> at the service's local address. They form the
/// lowest-precedence configuration source, so <c>ReverseProxy:Clusters:&lt;name&gt;:…</c> anywhere else adds to them or
/// changes them: the AppHost adds replicas and canaries, a Kubernetes ConfigMap sets each destination's address.
/// Routes stay in <c>appsettings.json</c> (they differ). <c>Gateway:ClustersFromTopology=false</c> turns this off (tests
/// that bring clusters of their own).
/// </summary>
internal static class TopologyClusters
{
    /// <summary>The switch's configuration key.</summary>
    public const string SwitchKey = "Gateway:ClustersFromTopology";

    /// <summary>Stand-ins for providers outside the shop: never mutual TLS.</summary>
    private static readonly HashSet<string> External = new(StringComparer.Ordinal) { "psp", "devinbox" };

    /// <summary>Adds the table's clusters under everything else <paramref name="configuration"/> holds, unless switched off.</summary>
    public static void AddTo(IConfigurationManager configuration)
    {
        if (configuration.GetValue(SwitchKey, true))
        {
            configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Settings(ServiceTable.Get("gateway").Calls.Select(ServiceTable.Get), Agora.Hosting.AgoraTlsOptions.From(configuration).Mutual) });
        }
    }

    /// <summary>The configuration keys of one cluster per service.</summary>
    /// <remarks>With <paramref name="tls"/> (mutual TLS) the addresses are https; the forwarder presents the gateway's certificate.</remarks>
    public static Dictionary<string, string?> Settings(IEnumerable<AgoraService> services, bool tls = false)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var service in services)
        {
            var cluster = $"ReverseProxy:Clusters:{service.Name}:";
            settings[cluster + "LoadBalancingPolicy"] = "PowerOfTwoChoices";
            settings[cluster + "HealthCheck:Active:Enabled"] = "true";
            settings[cluster + "HealthCheck:Active:Interval"] = "00:00:10";
            settings[cluster + "HealthCheck:Active:Timeout"] = "00:00:05";
            settings[cluster + "HealthCheck:Active:Policy"] = "ConsecutiveFailures";
            settings[cluster + "HealthCheck:Active:Path"] = "/health/ready";
            settings[cluster + "HealthCheck:Passive:Enabled"] = "true";
            settings[cluster + "HealthCheck:Passive:Policy"] = "ConsecutiveFailures";
            settings[cluster + "HealthCheck:Passive:ReactivationPeriod"] = "00:00:30";
            settings[cluster + $"Destinations:{service.Name}-1:Address"] = string.Create(CultureInfo.InvariantCulture, $"{service.HttpUrl(tls: tls && !External.Contains(service.Name))}/");
        }

        return settings;
    }
}
