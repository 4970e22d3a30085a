using Agora.Hosting;
using Microsoft.Extensions.Configuration;

namespace Agora.AppHost;

/// <summary>A server the distributed mode needs: the connection-string name every service reads, and what it is.</summary>
public sealed record AgoraServer(string ConnectionName, string Product);

/// <summary>
/// The AppHost's own settings, read from its configuration (appsettings, environment, <c>--Agora:Mode=Distributed</c>):
/// <list type="bullet">
/// <item><c>Agora:Mode</c>: <c>Embedded</c> (default) or <c>Distributed</c>.</item>
/// <item><c>Agora:DataDirectory</c>: embedded-mode SQLite files; default <c>&lt;repo root&gt;/.agora/data</c>, relative paths
/// are taken from the repo root.</item>
/// <item><c>ConnectionStrings:postgres</c>, <c>ConnectionStrings:rabbitmq</c>, <c>ConnectionStrings:redis</c>: required in
/// the distributed mode, passed on to every service unchanged.</item>
/// <item><c>Agora:DemoAccounts</c>: <c>false</c> turns off Identity's demo users and clients, which exist only in the
/// Development environment (the AppHost's own, which its services run in); <c>true</c> outside Development stops Identity.</item>
/// <item><c>Agora:Canary:Catalog</c>: a percentage (0–100]; runs a second Catalog, the canary, and has the gateway send it
/// that share of Catalog's traffic (guide §7.3). Distributed mode only: the two versions share one database and broker.</item>
/// <item><c>Agora:Replicas</c>: how many instances of every stateless service run (1–3, default 1), as Kubernetes would run
/// them: the second on the first's ports + 20, the third + 40; the gateway spreads over them. Distributed mode only.</item>
/// <item><c>Agora:Tls:Edge</c>: the gateway serves HTTPS on its table port (8443) with HSTS, redirecting 8080 there
/// (issue 14), with <c>gateway.crt</c>/<c>gateway.key</c> from <c>Agora:Tls:CertificateDirectory</c> (default
/// <c>&lt;repo root&gt;/.agora/certs</c>; the AppHost runs <c>scripts/certs.sh</c> first). On by default in the distributed
/// mode (<c>false</c> turns it off); the embedded mode keeps plain HTTP on localhost.</item>
/// <item><c>Agora:Tls:Mode</c>: <c>Mutual</c> (the distributed default) or <c>Off</c>: mutual TLS on every internal hop
/// (issue 14): the AppHost runs <c>scripts/certs.sh</c> first (a CA kept while valid, fresh 7-day service certificates),
/// then starts every service with its certificate, https addresses and a plain probe port (HTTP port + 3000) for
/// readiness. Distributed mode only.</item>
/// <item><c>Agora:Tls:Servers:Mode</c>, <c>Agora:Tls:Servers:CaPath</c>: TLS to PostgreSQL and RabbitMQ (by default on under
/// Mutual, verified against the project CA), passed on to every service when set (a relative CA path from the repo root).
/// The test servers of <c>scripts/servers.sh</c>: <c>--Agora:Tls:Servers:CaPath=.agora/servers/tls/ca.crt</c> and
/// <c>ConnectionStrings:rabbitmq</c> their amqps address.</item>
/// </list>
/// </summary>
public sealed record AgoraSettings(AgoraMode Mode, string RepositoryRoot, string DataDirectory, bool? DemoAccounts = null,
    double? CatalogCanaryWeight = null, int Replicas = 1, string? EdgeCertificateDirectory = null, string? MutualTlsDirectory = null)
{
    /// <summary>The most replicas a service gets here (their ports must stay clear of the other services').</summary>
    public const int MaxReplicas = 3;

    /// <summary>The servers every service needs in the distributed mode (Aspire's container integrations are not used).</summary>
    public static readonly IReadOnlyList<AgoraServer> DistributedServers =
    [
        new("postgres", "PostgreSQL"),
        new("rabbitmq", "RabbitMQ"),
        new("redis", "Redis"),
    ];

    /// <summary>Reads and checks the settings; throws <see cref="AgoraConfigurationException"/> naming what is missing.</summary>
    public static AgoraSettings From(IConfiguration configuration, string appHostDirectory)
    {
        var modeText = configuration["Agora:Mode"];
        var mode = AgoraMode.Embedded;
        if (!string.IsNullOrWhiteSpace(modeText) && !Enum.TryParse(modeText.Trim(), ignoreCase: true, out mode))
        {
            throw new AgoraConfigurationException(
                $"Agora:Mode is '{modeText}'; use 'Embedded' (the default) or 'Distributed'.");
        }

        if (mode == AgoraMode.Distributed)
        {
            var missing = DistributedServers
                .Where(s => string.IsNullOrWhiteSpace(configuration.GetConnectionString(s.ConnectionName)))
                .Select(s => $"  {s.Product}: set ConnectionStrings:{s.ConnectionName} " +
                             $"(--ConnectionStrings:{s.ConnectionName}=\"...\", env ConnectionStrings__{s.ConnectionName} or user secrets)")
                .ToList();
            if (missing.Count > 0)
            {
                throw new AgoraConfigurationException(
                    "Agora:Mode=Distributed needs these servers, but their connection strings are missing from the AppHost's configuration:"
                    + Environment.NewLine + string.Join(Environment.NewLine, missing));
            }
        }

        var root = FindRepositoryRoot(appHostDirectory);
        var dataDirectory = Path.GetFullPath(configuration["Agora:DataDirectory"] is { Length: > 0 } configured
            ? configured
            : Path.Combine(".agora", "data"), root);
        bool? demo = null;
        if (configuration["Agora:DemoAccounts"] is { Length: > 0 } demoText)
        {
            demo = bool.TryParse(demoText.Trim(), out var parsed)
                ? parsed
                : throw new AgoraConfigurationException($"Agora:DemoAccounts is '{demoText}'; use true or false.");
        }

        double? canary = null;
        if (configuration["Agora:Canary:Catalog"] is { Length: > 0 } canaryText)
        {
            canary = double.TryParse(canaryText.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var weight)
                     && weight is > 0 and <= 100
                ? weight
                : throw new AgoraConfigurationException($"Agora:Canary:Catalog is '{canaryText}'; use the canary's share of Catalog's traffic in percent, above 0 and at most 100 (10 for the seed's 90/10).");
            if (mode != AgoraMode.Distributed)
            {
                throw new AgoraConfigurationException(
                    "Agora:Canary:Catalog needs Agora:Mode=Distributed: the canary and the stable Catalog must share one database and one broker.");
            }
        }

        var replicas = 1;
        if (configuration["Agora:Replicas"] is { Length: > 0 } replicasText)
        {
            replicas = int.TryParse(replicasText.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
                       && n is >= 1 and <= MaxReplicas
                ? n
                : throw new AgoraConfigurationException($"Agora:Replicas is '{replicasText}'; use a whole number from 1 to {MaxReplicas}.");
            if (replicas > 1 && mode != AgoraMode.Distributed)
            {
                throw new AgoraConfigurationException(
                    "Agora:Replicas above 1 needs Agora:Mode=Distributed: replicas share one database and one broker (SQLite files and Wolverine's TCP ports are one process's).");
            }
        }

        return new AgoraSettings(mode, root, dataDirectory, demo, canary, replicas, EdgeCertificates(configuration, mode, root),
            MutualTls(configuration, mode, root));
    }

    /// <summary>
    /// <c>Agora:Tls:Mode</c>: the certificate directory when Mutual, or null (Off). Unset, the distributed mode is Mutual
    /// (services that reach each other over a network encrypt and authenticate every hop; <c>Off</c> says otherwise) and
    /// the embedded mode Off (one machine, loopback only: the two-command start needs no certificates).
    /// </summary>
    private static string? MutualTls(IConfiguration configuration, AgoraMode mode, string root)
    {
        var tls = mode == AgoraMode.Distributed ? AgoraTlsMode.Mutual : AgoraTlsMode.Off;
        if (configuration["Agora:Tls:Mode"] is { Length: > 0 } text
            && (!Enum.TryParse(text.Trim(), ignoreCase: true, out tls) || !Enum.IsDefined(tls)))
        {
            throw new AgoraConfigurationException($"Agora:Tls:Mode is '{text}'; use Mutual (the distributed default) or Off (the embedded default).");
        }

        if (tls == AgoraTlsMode.Off)
        {
            return null;
        }

        return mode == AgoraMode.Distributed
            ? Path.GetFullPath(configuration["Agora:Tls:CertificateDirectory"] is { Length: > 0 } configured ? configured : Path.Combine(".agora", "certs"), root)
            : throw new AgoraConfigurationException(
                "Agora:Tls:Mode=Mutual needs Agora:Mode=Distributed: the embedded mode stays plain HTTP on loopback (the two-command start).");
    }

    /// <summary>
    /// <c>Agora:Tls:Edge</c>: the directory of the gateway's certificate and key, or null (plain HTTP). Unset, on in the
    /// distributed mode (a shop whose services reach each other over a network has an edge worth encrypting) and off in
    /// the embedded one (the two-command start on http://localhost).
    /// </summary>
    private static string? EdgeCertificates(IConfiguration configuration, AgoraMode mode, string root)
    {
        var edge = mode == AgoraMode.Distributed;
        if (configuration["Agora:Tls:Edge"] is { Length: > 0 } edgeText && !bool.TryParse(edgeText.Trim(), out edge))
        {
            throw new AgoraConfigurationException($"Agora:Tls:Edge is '{edgeText}'; use true (the distributed default) or false.");
        }

        if (!edge)
        {
            return null;
        }

        return mode == AgoraMode.Distributed
            ? Path.GetFullPath(configuration["Agora:Tls:CertificateDirectory"] is { Length: > 0 } configured ? configured : Path.Combine(".agora", "certs"), root)
            : throw new AgoraConfigurationException(
                "Agora:Tls:Edge needs Agora:Mode=Distributed: the embedded mode keeps plain HTTP on localhost (the two-command start).");
    }

    /// <summary>The directory holding <c>Agora.slnx</c> above the AppHost project (its grandparent if none is found).</summary>
    public static string FindRepositoryRoot(string appHostDirectory)
    {
        for (var dir = new DirectoryInfo(appHostDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Agora.slnx")))
            {
                return dir.FullName;
            }
        }

        return Path.GetFullPath(Path.Combine(appHostDirectory, "..", ".."));
    }
}

/// <summary>The AppHost's configuration cannot start the shop; the message says what to set.</summary>
public sealed class AgoraConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AgoraConfigurationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AgoraConfigurationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public AgoraConfigurationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
