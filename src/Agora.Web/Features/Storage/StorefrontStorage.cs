using Agora.Hosting;
using Agora.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Agora.Web.Features.Storage;

/// <summary>
/// The storefront's database, chosen per mode the way every service chooses its own
/// (<see cref="StorageExtensions.ResolveDatabase"/>: <c>{DataDirectory}/web.db</c> embedded, <c>agora_web</c> on
/// PostgreSQL distributed), and the Data Protection key ring in it.
/// </summary>
internal static class StorefrontStorage
{
    public static IHostApplicationBuilder AddStorefrontStorage(this IHostApplicationBuilder builder)
    {
        var options = builder.RequireAgoraService(nameof(AddStorefrontStorage));
        var target = StorageExtensions.ResolveDatabase(builder.Configuration, options, builder.Environment.ContentRootPath);
        builder.Services.AddDbContextFactory<WebDbContext>(o => target.UseFor(o));
        // Before Data Protection's own hosted service, which reads the key ring at start: the tables must exist by then.
        builder.Services.AddHostedService<WebDatabaseCreator>();
        builder.Services.AddDataProtection().SetApplicationName("agora-web").PersistKeysToDbContext<WebDbContext>();
        builder.Services.AddHealthChecks().AddDbContextCheck<WebDbContext>("database", tags: [HealthTags.Ready]);
        return builder;
    }
}

/// <summary>
/// Creates the schema on first start (before the server listens). The storefront's tables are few and new; once one of
/// them must change, this becomes EF migrations like the services' (<c>Agora.Storage</c>'s migrator).
/// </summary>
internal sealed partial class WebDatabaseCreator(IDbContextFactory<WebDbContext> factory, ILogger<WebDatabaseCreator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await db.Database.EnsureCreatedAsync(cancellationToken))
        {
            LogCreated(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 9401, Level = LogLevel.Information, Message = "Created the storefront's database")]
    private static partial void LogCreated(ILogger logger);
}
