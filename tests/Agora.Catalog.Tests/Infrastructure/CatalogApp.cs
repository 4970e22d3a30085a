using Agora.Hosting;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Catalog.Tests.Infrastructure;

/// <summary>
/// Catalog in-process (TestServer) on a real store: its own SQLite file in a temp directory (embedded), or its own
/// database on the test PostgreSQL with RabbitMQ and Redis (distributed). The Wolverine TCP listener gets a free port.
/// Its tokens come from its own <see cref="TestIdentity"/>; <see cref="CreateAdminClient"/> signs requests as staff.
/// </summary>
public sealed class CatalogApp : ServiceApp<Program>
{
    public CatalogApp(AgoraMode mode, string? name = null)
        : base("catalog", mode, name)
    {
        With("Catalog:ExpirySweepInterval", "01:00:00");

        // Last: nothing above may throw and leave the issuer's Kestrel running.
        Identity = TestIdentity.StartAsync().GetAwaiter().GetResult();
        With("Agora:Auth:Authority", Identity.Issuer);
    }

    /// <summary>The Identity double whose keys this Catalog trusts.</summary>
    public TestIdentity Identity { get; }

    /// <summary>Adds a configuration value before the app starts.</summary>
    public new CatalogApp With(string key, string? value)
    {
        base.With(key, value);
        return this;
    }

    /// <summary>Adds services (test handlers, replaced clocks) before the app starts.</summary>
    public new CatalogApp WithServices(Action<IServiceCollection> configure)
    {
        base.WithServices(configure);
        return this;
    }

    /// <summary>A client whose requests carry a fresh admin token (unless they set their own Authorization).</summary>
    public HttpClient CreateAdminClient() => CreateDefaultClient(new BearerTokenHandler(Identity.AdminToken));

    /// <summary>A TestServer handler adding an admin token, for gRPC channels.</summary>
    public HttpMessageHandler CreateAdminHandler() => new BearerTokenHandler(Identity.AdminToken) { InnerHandler = Server.CreateHandler() };

    /// <summary>Ordering's client-credentials scopes plus the catalogue's: what a service or script moving stock holds.</summary>
    public const string ServiceScopes = "write:inventory write:catalog";

    /// <summary>A client whose requests carry a service's client-credentials token (reservations are service-only).</summary>
    public HttpClient CreateServiceClient(string scope = ServiceScopes) =>
        CreateDefaultClient(new BearerTokenHandler(() => Identity.ServiceToken(scope)));

    /// <summary>A TestServer handler adding a service's client-credentials token, for gRPC channels.</summary>
    public HttpMessageHandler CreateServiceHandler(string scope = ServiceScopes) =>
        new BearerTokenHandler(() => Identity.ServiceToken(scope)) { InnerHandler = Server.CreateHandler() };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Identity.DisposeAsync();
    }
}

/// <summary>One started Catalog per test class (per mode), shared by its tests.</summary>
public abstract class CatalogFixture(AgoraMode mode) : IAsyncLifetime
{
    public CatalogApp App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    /// <summary>A service's client (client credentials, write:inventory and write:catalog): reservations.</summary>
    public HttpClient Service { get; private set; } = null!;

    /// <summary>Settings applied before the app starts.</summary>
    protected virtual void Configure(CatalogApp app)
    {
    }

    public Task InitializeAsync()
    {
        App = new CatalogApp(mode);
        Configure(App);
        Client = App.CreateAdminClient();
        Service = App.CreateServiceClient();
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
