using JasperFx;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine.Persistence.Durability;
using Wolverine.Runtime.Handlers;

namespace Agora.Storage;

/// <summary>
/// The service's command line: no verb runs the service; <c>migrate</c> brings its database up to date (EF
/// migrations, seed data, Wolverine's message-store tables) and exits, which is what the migration Job runs once
/// per release while the replicas run with <c>Agora:Database:MigrateOnStart=false</c>; <c>codegen write</c> (JasperFx's
/// command line: also <c>preview</c>, <c>delete</c>) writes Wolverine's handler code into the project's
/// <c>Internal/Generated</c> folder, which the service loads instead of compiling it at run time (scripts/codegen.sh
/// runs it for every service).
/// </summary>
public static partial class AgoraHost
{
    /// <summary>Runs the verb in <paramref name="args"/> (<c>migrate</c>, <c>codegen</c>) or else the service; returns the exit code.</summary>
    public static async Task<int> RunAgoraAsync(this WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (args is ["migrate", ..])
        {
            return await MigrateAsync(app.Services, Console.Out, Console.Error, CancellationToken.None);
        }

        if (args is ["codegen", ..])
        {
            // The host is built, never started: no listener, no broker, no database connection.
            return await app.RunJasperFxCommands(args);
        }

        // Taken before the run: a host that failed to start has disposed its services.
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AgoraHost).FullName!);
        try
        {
            await app.RunAsync();
        }
        catch (MissingPreBuiltTypesException ex)
        {
            // Wolverine stops the start when a handler's pre-generated code is not compiled into the service
            // (TypeLoadMode.Static); its own advice is a dotnet run line, the repository's is the script.
            var service = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "the service";
            LogGeneratedCodeMissing(logger, service, ex);
            await Console.Error.WriteLineAsync(
                $"{service}: Wolverine's pre-generated handler code is missing or out of date: {MissingGeneratedCodeRemedy}.");
            return 1;
        }

        return 0;
    }

    /// <summary>What to do when a service's pre-generated Wolverine handler code is missing or stale.</summary>
    public const string MissingGeneratedCodeRemedy =
        "run scripts/codegen.sh (it rewrites src/Services/<Service>/Internal/Generated), rebuild and commit the result";

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

    [LoggerMessage(EventId = 1106, Level = LogLevel.Critical,
        Message = "{Service}: Wolverine's pre-generated handler code is missing or out of date; run scripts/codegen.sh, rebuild and commit the result")]
    private static partial void LogGeneratedCodeMissing(ILogger logger, string service, Exception exception);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Migrated {Count} database(s) and the message store")]
    private static partial void LogMigrated(ILogger logger, int count);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "Migration failed while {Step}")]
    private static partial void LogMigrateFailed(ILogger logger, string step, Exception exception);
}
