using Agora.Http;
using Agora.ServiceDefaults;
using Agora.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wolverine;

namespace Agora.Messaging;

/// <summary>
/// The host every backend service (the ones with a database behind the gateway) builds on, in one call, so that its
/// Program.cs names only what is particular to it. Here because this is the one platform part only those services
/// reference: it sits on top of ServiceDefaults, Storage and Messaging.
/// </summary>
public static class AgoraServiceExtensions
{
    /// <summary>
    /// <c>AddServiceDefaults(<paramref name="serviceName"/>)</c>, the service's own database
    /// (<c>AddAgoraDbContext&lt;<typeparamref name="TContext"/>&gt;</c>) and Wolverine over it
    /// (<c>AddAgoraMessaging</c>) with the handlers of the assembly that holds <typeparamref name="TContext"/>, the
    /// service's own. <paramref name="messaging"/> adds the service's own routes and queues.
    /// </summary>
    public static IHostApplicationBuilder AddAgoraService<TContext>(
        this IHostApplicationBuilder builder, string serviceName, Action<WolverineOptions>? messaging = null)
        where TContext : DbContext
    {
        builder.AddServiceDefaults(serviceName);
        var database = builder.AddAgoraDbContext<TContext>();
        builder.Services.AddSingleton(new Outage("database", DbErrors.IsTransient));
        builder.AddAgoraMessaging(database, typeof(TContext).Assembly, messaging);
        return builder;
    }
}
