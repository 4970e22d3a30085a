using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agora.Catalog.Tests.Infrastructure;

/// <summary>
/// Catalog in-process (TestServer) on a real store: its own SQLite file in a temp directory (embedded), or its own
/// database on the test PostgreSQL with RabbitMQ and Redis (distributed). The Wolverine TCP listener gets a free port.
/// Its tokens come from its own <see cref="TestIdentity"/>; <see cref="CreateAdminClient"/> signs requests as staff.
/// </summary>
public sealed class CatalogApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new();
    private readonly List<Action<IServiceCollection>> _services = [];

    public CatalogApp(AgoraMode mode, string? name = null)
    {
        Mode = mode;
        Name = name ?? "t" + Guid.NewGuid().ToString("N")[..12];
        MessagePort = TestServers.FreePort();
        _settings["Agora:Mode"] = mode.ToString();
        _settings["Agora:Messaging:ListenPort"] = MessagePort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _settings["Catalog:ExpirySweepInterval"] = "01:00:00";
        if (mode == AgoraMode.Embedded)
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), "agora-tests", Name);
            _settings["Agora:DataDirectory"] = DataDirectory;
        }
        else
        {
            TestServers.EnsureDistributedServers();
            DatabaseName = "agora_test_" + Name;
            ConnectionString = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = DatabaseName }.ConnectionString;
            _settings["ConnectionStrings:catalogdb"] = ConnectionString;
            _settings["ConnectionStrings:rabbitmq"] = TestServers.RabbitMq;
            _settings["ConnectionStrings:redis"] = TestServers.Redis;
            QueueName = "agora.catalog." + Name;
            _settings["Agora:Messaging:QueueName"] = QueueName;
        }

        // Last: nothing above may throw and leave the issuer's Kestrel running.
        Identity = TestIdentity.StartAsync().GetAwaiter().GetResult();
        _settings["Agora:Auth:Authority"] = Identity.Issuer;
    }

    public AgoraMode Mode { get; }

    /// <summary>The Identity double whose keys this Catalog trusts.</summary>
    public TestIdentity Identity { get; }
    public string Name { get; }
    public int MessagePort { get; }
    public string? DataDirectory { get; }
    public string? DatabaseName { get; }
    public string? ConnectionString { get; }

    /// <summary>Distributed mode: this instance's own queue, so parallel test apps never take each other's messages.</summary>
    public string? QueueName { get; }

    /// <summary>Adds a configuration value before the app starts.</summary>
    public CatalogApp With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Adds services (test handlers, replaced clocks) before the app starts.</summary>
    public CatalogApp WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>A client whose requests carry a fresh admin token (unless they set their own Authorization).</summary>
    public HttpClient CreateAdminClient() => CreateDefaultClient(new BearerTokenHandler(Identity.AdminToken));

    /// <summary>A TestServer handler adding an admin token, for gRPC channels.</summary>
    public HttpMessageHandler CreateAdminHandler() => new BearerTokenHandler(Identity.AdminToken) { InnerHandler = Server.CreateHandler() };

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
        await Identity.DisposeAsync();
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

/// <summary>One started Catalog per test class (per mode), shared by its tests.</summary>
public abstract class CatalogFixture(AgoraMode mode) : IAsyncLifetime
{
    public CatalogApp App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    /// <summary>Settings applied before the app starts.</summary>
    protected virtual void Configure(CatalogApp app)
    {
    }

    public Task InitializeAsync()
    {
        App = new CatalogApp(mode);
        Configure(App);
        Client = App.CreateAdminClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class EmbeddedCatalogFixture() : CatalogFixture(AgoraMode.Embedded);

public sealed class DistributedCatalogFixture() : CatalogFixture(AgoraMode.Distributed);

/// <summary>
/// Catalog as the published contract describes it: the default Identity authority, not the test issuer's random port,
/// so the document does not change from run to run.
/// </summary>
public sealed class ContractCatalogFixture() : CatalogFixture(AgoraMode.Embedded)
{
    protected override void Configure(CatalogApp app) => app.With("Agora:Auth:Authority", "http://localhost:5101/");
}
