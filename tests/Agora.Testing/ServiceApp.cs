using Agora.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agora.Testing;

/// <summary>
/// A service in-process (TestServer) on a real store: its own SQLite file in a temp directory (embedded), or its own
/// database on the test PostgreSQL with RabbitMQ and Redis (distributed). The Wolverine TCP listener gets a free port.
/// </summary>
public class ServiceApp<TEntryPoint> : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    private readonly Dictionary<string, string?> _settings = new();
    private readonly List<Action<IServiceCollection>> _services = [];

    public ServiceApp(string service, AgoraMode mode, string? name = null)
    {
        Mode = mode;
        Name = name ?? "t" + Guid.NewGuid().ToString("N")[..12];
        MessagePort = TestServers.FreePort();
        _settings["Agora:Mode"] = mode.ToString();
        _settings["Agora:Messaging:ListenPort"] = MessagePort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (mode == AgoraMode.Embedded)
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), "agora-tests", Name);
            _settings["Agora:DataDirectory"] = DataDirectory;

            // Isolation: what this app sends to other services must never reach a shop running on this machine (an
            // AppHost on the fixed ports). Every peer points at a port nobody listens on; messages wait in the outbox.
            // A test that wants a peer points it at a probe or another app: With("Agora:Messaging:Peers:ordering", …).
            var nowhere = TestServers.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var peer in Agora.Contracts.Messaging.ServiceTopology.HttpPorts.Keys)
            {
                _settings[$"Agora:Messaging:Peers:{peer}"] = "localhost:" + nowhere;
            }
        }
        else
        {
            TestServers.EnsureDistributedServers();
            DatabaseName = "agora_test_" + Name;
            ConnectionString = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = DatabaseName }.ConnectionString;
            _settings[$"ConnectionStrings:{service}db"] = ConnectionString;
            _settings["ConnectionStrings:rabbitmq"] = TestServers.RabbitMq;
            _settings["ConnectionStrings:redis"] = TestServers.Redis;
            QueueName = $"agora.{service}.{Name}";
            _settings["Agora:Messaging:QueueName"] = QueueName;

            // Isolation on the shared RabbitMQ: this app's exchanges are its own unless a test joins apps in one namespace.
            MessagingNamespace = "agora-test-" + Name;
            _settings["Agora:Messaging:Namespace"] = MessagingNamespace;
        }
    }

    public AgoraMode Mode { get; }
    public string Name { get; }
    public int MessagePort { get; }
    public string? DataDirectory { get; }
    public string? DatabaseName { get; }
    public string? ConnectionString { get; }

    /// <summary>Distributed mode: the exchange prefix (<c>Agora:Messaging:Namespace</c>); default one per app.</summary>
    public string MessagingNamespace { get; private set; } = Agora.Contracts.Messaging.ServiceTopology.DefaultNamespace;

    /// <summary>Distributed mode: this instance's own queue, so parallel test apps never take each other's messages.</summary>
    public string? QueueName { get; }

    /// <summary>Adds a configuration value before the app starts.</summary>
    public ServiceApp<TEntryPoint> With(string key, string? value)
    {
        if (key == "Agora:Messaging:Namespace" && value is not null)
        {
            MessagingNamespace = value;
        }

        _settings[key] = value;
        return this;
    }

    /// <summary>Adds services (test handlers, replaced clocks) before the app starts.</summary>
    public ServiceApp<TEntryPoint> WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
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
        if (DataDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open on a slow shutdown; the temp directory is cleaned by the OS.
            }
        }

        if (DatabaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            var admin = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = "postgres" }.ConnectionString;
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        GC.SuppressFinalize(this);
    }
}

