using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine.Persistence.Durability;

namespace Agora.Storage;

/// <summary>
/// The service's command line: no verb runs the service; <c>migrate</c> brings its database up to date (EF
/// migrations, seed data, Wolverine's message-store tables) and exits, which is what the migration Job runs once
/// per release while the replicas run with <c>Agora:Database:MigrateOnStart=false</c>.
/// </summary>
public static partial class AgoraHost
{
    /// <summary>Runs the verb in <paramref name="args"/> (<c>migrate</c>) or else the service; returns the exit code.</summary>
    public static async Task<int> RunAgoraAsync(this WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (args is ["migrate", ..])
        {
            return await MigrateAsync(app.Services, Console.Out, Console.Error, CancellationToken.None);
        }

        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// Applies every pending EF migration and the seeders of each database the service registered, then creates or
    /// updates Wolverine's envelope tables. Writes one line per step to <paramref name="output"/>; on failure writes
    /// why to <paramref name="error"/> and returns 1. The service itself is not started (no listener, no broker).
    /// </summary>
    public static async Task<int> MigrateAsync(IServiceProvider services, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AgoraHost).FullName!);
        var step = "reading the configuration";
        try
        {
            var migrators = services.GetServices<IDatabaseMigrator>().ToList();
            foreach (var migrator in migrators)
            {
                step = $"migrating {migrator.Name}";
                var applied = await migrator.MigrateAsync(cancellationToken);
                await output.WriteLineAsync($"migrate: {migrator.Name}: {applied} migration(s) applied, seed data in place");
            }

            // Wolverine builds its tables at start unless told not to; the Job builds them ahead, with the same code.
            if (services.GetService<IMessageStore>() is { } store)
            {
                step = "creating the message store";
                await store.Admin.MigrateAsync();
                await output.WriteLineAsync("migrate: message store ready");
            }

            LogMigrated(logger, migrators.Count);
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogMigrateFailed(logger, step, ex);
            await error.WriteLineAsync($"migrate failed while {step}: {ex.GetBaseException().Message}");
            return 1;
        }
    }

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Migrated {Count} database(s) and the message store")]
    private static partial void LogMigrated(ILogger logger, int count);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "Migration failed while {Step}")]
    private static partial void LogMigrateFailed(ILogger logger, string step, Exception exception);
}
