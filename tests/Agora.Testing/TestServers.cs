using System.Net.Sockets;
using Npgsql;

namespace Agora.Testing;

/// <summary>
/// The real servers the distributed-mode tests need, given by <c>./test.sh</c> (scripts/servers.sh) as
/// <c>AGORA_TEST_POSTGRES</c>, <c>AGORA_TEST_RABBITMQ</c> and <c>AGORA_TEST_REDIS</c> (and, for TLS to them,
/// <c>AGORA_TEST_RABBITMQ_TLS</c> and <c>AGORA_TEST_SERVERS_CA</c>). Missing or unreachable servers
/// fail the tests with a message that names them; they are never replaced by fakes.
/// </summary>
public static class TestServers
{
    public static string Postgres => Require("AGORA_TEST_POSTGRES", "PostgreSQL");
    public static string RabbitMq => Require("AGORA_TEST_RABBITMQ", "RabbitMQ");
    public static string Redis => Require("AGORA_TEST_REDIS", "Redis");

    /// <summary>RabbitMQ's amqps listener (TLS only; its certificate issued by <see cref="ServersCa"/>).</summary>
    public static string RabbitMqTls => Require("AGORA_TEST_RABBITMQ_TLS", "RabbitMQ over TLS");

    /// <summary>The CA that issued the test servers' certificate (PostgreSQL offers TLS on its one port).</summary>
    public static string ServersCa => Require("AGORA_TEST_SERVERS_CA", "The test servers' CA");

    /// <summary>RabbitMQ's management API (administrator agora/agora): what the broker itself says of its connections.</summary>
    public static string RabbitMqManagement => Require("AGORA_TEST_RABBITMQ_MANAGEMENT", "RabbitMQ's management API");

    /// <summary>The broker's connections as its management API lists them: name given by the client (or null), whether TLS, and the port.</summary>
    public static async Task<IReadOnlyList<(string? Name, bool Ssl, int Port)>> RabbitMqConnectionsAsync()
    {
        using var management = new HttpClient { BaseAddress = new Uri(RabbitMqManagement) };
        management.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("agora:agora"u8.ToArray()));
        using var listing = System.Text.Json.JsonDocument.Parse(await management.GetStringAsync(new Uri("api/connections", UriKind.Relative)));
        return listing.RootElement.EnumerateArray()
            .Select(c => (c.TryGetProperty("client_properties", out var p) && p.TryGetProperty("connection_name", out var n) ? n.GetString() : null,
                c.GetProperty("ssl").GetBoolean(), c.GetProperty("port").GetInt32()))
            .ToList();
    }

    /// <summary>Throws with a clear message unless all three servers answer.</summary>
    public static void EnsureDistributedServers()
    {
        var problems = new List<string>();
        Check(problems, "PostgreSQL", "AGORA_TEST_POSTGRES", v =>
        {
            var b = new NpgsqlConnectionStringBuilder(v);
            return (b.Host ?? "127.0.0.1", b.Port);
        });
        Check(problems, "RabbitMQ", "AGORA_TEST_RABBITMQ", v =>
        {
            var u = new Uri(v);
            return (u.Host, u.Port > 0 ? u.Port : 5672);
        });
        Check(problems, "Redis", "AGORA_TEST_REDIS", v =>
        {
            var hostPort = v.Split(',')[0];
            var i = hostPort.LastIndexOf(':');
            return i < 0 ? (hostPort, 6379) : (hostPort[..i], int.Parse(hostPort[(i + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        });
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "Distributed-mode tests need real servers: " + string.Join("; ", problems)
                + ". Run ./test.sh, which installs and starts them (scripts/servers.sh), or export the variables yourself.");
        }
    }

    private static void Check(List<string> problems, string server, string variable, Func<string, (string Host, int Port)> endpoint)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{server} is not configured ({variable} is not set)");
            return;
        }

        var (host, port) = endpoint(value);
        try
        {
            using var client = new TcpClient();
            if (!client.ConnectAsync(host, port).Wait(TimeSpan.FromSeconds(3)))
            {
                problems.Add($"{server} at {host}:{port} does not answer");
            }
        }
        catch (AggregateException ex) when (ex.InnerException is SocketException)
        {
            problems.Add($"{server} at {host}:{port} refuses connections");
        }
    }

    private static string Require(string variable, string server) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v
            ? v
            : throw new InvalidOperationException($"{server} is not configured: set {variable} or run ./test.sh.");

    /// <summary>A TCP port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
