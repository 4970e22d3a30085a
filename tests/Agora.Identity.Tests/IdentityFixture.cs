using Agora.Hosting;
using Agora.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Agora.Identity.Tests;

public abstract class IdentityFixture(AgoraMode mode) : IAsyncLifetime
{
    public ServiceApp<Program> App { get; private set; } = null!;

    public Task InitializeAsync()
    {
        // The demo users and clients exist in the Development environment only.
        App = new ServiceApp<Program>("identity", mode);
        App = Configure(App.With("environment", "Development"));
        _ = App.Server;
        return Task.CompletedTask;
    }

    /// <summary>More settings for a fixture of its own.</summary>
    public virtual ServiceApp<Program> Configure(ServiceApp<Program> app) => app;

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>A browser: keeps cookies, does not follow redirects (the tests follow them and look at each hop).</summary>
    public HttpClient Browser() => App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
}

public sealed class EmbeddedIdentityFixture() : IdentityFixture(AgoraMode.Embedded);

public sealed class DistributedIdentityFixture() : IdentityFixture(AgoraMode.Distributed);
