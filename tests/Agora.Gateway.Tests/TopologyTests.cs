extern alias gateway;

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agora.Hosting;
using Agora.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;

namespace Agora.Gateway.Tests;

/// <summary>
/// Issue 12, "one source for the topology": the service table is the only place a port is written, the gateway's
/// clusters come from it, and log event ids do not collide across assemblies.
/// </summary>
public sealed partial class TopologyTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Agora.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No Agora.slnx above the test directory.");
    }

    [Fact]
    public void ServicesConfiguration_RestatesNoPortOfTheTable()
    {
        var restated = new List<string>();
        foreach (var service in ServiceTable.All)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.json", SearchOption.AllDirectories)
                         .Where(f => Path.GetFileName(f) is "appsettings.json" or "launchSettings.json" && !f.Contains("/bin/", StringComparison.Ordinal)
                                     && !f.Contains("/obj/", StringComparison.Ordinal)))
            {
                var text = File.ReadAllText(file);
                foreach (var port in new[] { service.HttpPort, service.GrpcPort }.OfType<int>())
                {
                    if (text.Contains($"localhost:{port}", StringComparison.Ordinal))
                    {
                        restated.Add($"{Path.GetRelativePath(Root, file)}: localhost:{port} ({service.Name})");
                    }
                }
            }
        }

        // The two simulators do not use the service defaults (they read no table); everything else takes its ports from it.
        restated.RemoveAll(r => r.Contains("PspSimulator", StringComparison.Ordinal) || r.Contains("DevInbox", StringComparison.Ordinal));
        Assert.Empty(restated);
    }

    [Fact]
    public void GatewayRoutes_NameOnlyClustersOfTheServicesItCalls()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "src/Agora.Gateway/appsettings.json")))!;
        var calls = ServiceTable.Get("gateway").Calls;

        Assert.Null(json["ReverseProxy"]!["Clusters"]);
        var clusters = json["ReverseProxy"]!["Routes"]!.AsObject().Select(r => (string)r.Value!["ClusterId"]!).Distinct().ToList();
        Assert.All(clusters, c => Assert.Contains(c, calls));
    }

    [Fact]
    public async Task Gateway_BuildsAClusterPerServiceItCalls_FromTheTable()
    {
        await using var identity = await TestIdentity.StartAsync();
        await using var app = new GatewayApp(identity);
        app.Config["Gateway"]!["ClustersFromTopology"] = true;
        app.Route("r", "/api/v1/products/{**rest}", "catalog");
        using var client = app.Start();

        var lookup = app.Services.GetRequiredService<IProxyStateLookup>();
        foreach (var name in ServiceTable.Get("gateway").Calls)
        {
            Assert.True(lookup.TryGetCluster(name, out var cluster), name);
            var destination = Assert.Single(cluster.Destinations.Values);
            Assert.Equal($"{ServiceTable.Get(name).HttpUrl()}/", destination.Model.Config.Address);
            Assert.Equal("/health/ready", cluster.Model.Config.HealthCheck?.Active?.Path);
        }
    }

    [Fact]
    public void LogEventIds_EachInItsAssemblysRange_NoneUsedTwice_NoRangesOverlap()
    {
        var problems = new List<string>();
        var ranges = LogEventIds.Ranges.SelectMany(r => r.Value.Select(v => (Assembly: r.Key, v.From, v.To))).OrderBy(r => r.From).ToList();
        for (var i = 1; i < ranges.Count; i++)
        {
            if (ranges[i].From <= ranges[i - 1].To)
            {
                problems.Add($"ranges overlap: {ranges[i - 1]} and {ranges[i]}");
            }
        }

        var seen = new Dictionary<int, string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            var matches = EventIdPattern().Matches(text);
            if (matches.Count == 0)
            {
                continue;
            }

            var assembly = AssemblyOf(file);
            var where = Path.GetRelativePath(Root, file);
            if (!LogEventIds.Ranges.TryGetValue(assembly, out var own))
            {
                problems.Add($"{where}: assembly {assembly} has no range in src/Agora.Hosting/LogEventIds.cs");
                continue;
            }

            foreach (Match match in matches)
            {
                var id = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (!own.Any(r => id >= r.From && id <= r.To))
                {
                    problems.Add($"{where}: event id {id} is outside {assembly}'s ranges");
                }

                if (seen.TryGetValue(id, out var other))
                {
                    problems.Add($"{where}: event id {id} is also used in {other}");
                }

                seen[id] = where;
            }
        }

        Assert.Empty(problems);
    }

    private static string AssemblyOf(string file)
    {
        for (var dir = new FileInfo(file).Directory; dir is not null; dir = dir.Parent)
        {
            if (dir.EnumerateFiles("*.csproj").FirstOrDefault() is { } project)
            {
                return Path.GetFileNameWithoutExtension(project.Name);
            }
        }

        throw new InvalidOperationException($"{file} belongs to no project.");
    }

    [GeneratedRegex(@"\[LoggerMessage\(\s*(?:EventId\s*=\s*)?(\d+)")]
    private static partial Regex EventIdPattern();
}
