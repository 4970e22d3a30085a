namespace Agora.Gateway.Tests.Infrastructure;

/// <summary>
/// A test class whose every test builds its own gateway over its own backends: the token issuer, and everything started
/// disposed in reverse order at the end.
/// </summary>
public abstract class GatewayScenario : IAsyncLifetime
{
    private TestIdentity _identity = null!;
    private readonly List<IAsyncDisposable> _owned = [];

    public async Task InitializeAsync() => _identity = await TestIdentity.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        await _identity.DisposeAsync();
    }

    /// <summary>A backend on a free port, or on <paramref name="port"/> (a restart).</summary>
    protected async Task<Backend> BackendAsync(string name, int port = 0)
    {
        var backend = await Backend.StartAsync(name, port);
        _owned.Add(backend);
        return backend;
    }

    /// <summary>Stops a backend before the test ends (its port stays free until something listens again).</summary>
    protected async Task StopAsync(Backend backend)
    {
        _owned.Remove(backend);
        await backend.DisposeAsync();
    }

    /// <summary>A gateway, configured by the test and started with <see cref="GatewayApp.Start"/>.</summary>
    protected GatewayApp Gateway()
    {
        var app = new GatewayApp(_identity);
        _owned.Add(app);
        return app;
    }
}
