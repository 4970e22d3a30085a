using Agora.Auth;
using Agora.ServiceDefaults;
using Agora.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Wolverine;

namespace Agora.Messaging;

/// <summary>
/// The start-up every backend service with bearer-token APIs shares, written once: before it each Program.cs repeated
/// the same eight steps, and a service that forgot one (authentication, the health endpoints) would have started
/// without it. Program.cs now names only what is particular to the service. Identity, the authorization server, has
/// a start-up of its own.
/// </summary>
public static class AgoraServiceHost
{
    /// <summary>
    /// Builds the service (<see cref="AgoraServiceExtensions.AddAgoraService{TContext}"/> with
    /// <paramref name="messaging"/>, bearer-token authentication, then <paramref name="addService"/>), maps
    /// <paramref name="mapEndpoints"/> and the default endpoints, and runs it or the verb in <paramref name="args"/>
    /// (<see cref="AgoraHost.RunAgoraAsync"/>); returns the exit code.
    /// </summary>
    public static async Task<int> RunAsync<TContext>(
        string[] args,
        string serviceName,
        Action<IHostApplicationBuilder> addService,
        Action<WebApplication> mapEndpoints,
        Action<WolverineOptions>? messaging = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(addService);
        ArgumentNullException.ThrowIfNull(mapEndpoints);
        var builder = WebApplication.CreateBuilder(args);
        builder.AddAgoraService<TContext>(serviceName, messaging);
        builder.AddAgoraAuthentication();
        addService(builder);

        var app = builder.Build();
        mapEndpoints(app);
        app.MapDefaultEndpoints();
        return await app.RunAgoraAsync(args);
    }
}
