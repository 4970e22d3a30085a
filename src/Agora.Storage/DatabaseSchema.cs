using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agora.Storage;

/// <summary>When the service's database schema is brought up to date: at start, or by the <c>migrate</c> verb only.</summary>
public sealed class DatabaseOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Agora:Database";

    /// <summary>
    /// Apply the EF migrations and the seeders at start. Default true (embedded mode, the AppHost). With several
    /// replicas set it false and run <c>dotnet Agora.{Service}.dll migrate</c> once per release (the Kubernetes
    /// migration Job): a replica then only checks, and answers <c>/health/ready</c> unhealthy while migrations are pending.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>How often a replica that does not migrate checks again for pending migrations. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SchemaCheckInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Applies a database's migrations and seed data; one per <c>AddAgoraDbContext</c>.</summary>
internal interface IDatabaseMigrator
{
    /// <summary>The context's name, for messages.</summary>
    string Name { get; }

    /// <summary>Applies the pending migrations, then the seeders; returns how many migrations it applied.</summary>
    Task<int> MigrateAsync(CancellationToken cancellationToken);

    /// <summary>How many migrations the database lacks.</summary>
    Task<int> CountPendingAsync(CancellationToken cancellationToken);
}

/// <summary>What the last schema check found: null until it ran, else the pending count or why it could not tell.</summary>
internal sealed class SchemaState
{
    private volatile Snapshot? _last;

    public Snapshot? Last => _last;

    public void Report(int pending, string? error) => _last = new Snapshot(pending, error);

    internal sealed record Snapshot(int Pending, string? Error);
}

/// <summary>
/// A replica that does not migrate (<see cref="DatabaseOptions.MigrateOnStart"/> false): checks for pending
/// migrations at start and then every <see cref="DatabaseOptions.SchemaCheckInterval"/> until there are none.
/// </summary>
internal sealed partial class SchemaWatcher(
    IDatabaseMigrator migrator,
    SchemaState state,
    IOptions<DatabaseOptions> options,
    TimeProvider time,
    ILogger<SchemaWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pending = await migrator.CountPendingAsync(stoppingToken);
                state.Report(pending, null);
                if (pending == 0)
                {
                    LogSchemaCurrent(logger, migrator.Name);
                    return;
                }

                LogSchemaBehind(logger, migrator.Name, pending);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may not be reachable yet (a pod starting beside its database): say so and try again.
                state.Report(-1, ex.Message);
                LogSchemaCheckFailed(logger, migrator.Name, ex);
            }

            try
            {
                await Task.Delay(options.Value.SchemaCheckInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "{Context}: database schema is behind: {Count} pending migration(s); run the migrate job")]
    private static partial void LogSchemaBehind(ILogger logger, string context, int count);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "{Context}: database schema is up to date")]
    private static partial void LogSchemaCurrent(ILogger logger, string context);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "{Context}: could not check the database schema")]
    private static partial void LogSchemaCheckFailed(ILogger logger, string context, Exception exception);
}

/// <summary><c>/health/ready</c>: unhealthy while the schema lags the code, saying what to do about it.</summary>
internal sealed class SchemaHealthCheck(SchemaState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Last switch
        {
            null => HealthCheckResult.Unhealthy("database schema not checked yet"),
            { Error: { } error } => HealthCheckResult.Unhealthy("database schema could not be checked: " + error),
            { Pending: > 0 and var n } => HealthCheckResult.Unhealthy(
                $"database schema is behind: {n} pending migration(s); run the migrate job"),
            _ => HealthCheckResult.Healthy("database schema is up to date"),
        });
}

/// <summary>Migrates <typeparamref name="TContext"/>'s database: at start when configured, and for the <c>migrate</c> verb.</summary>
internal sealed partial class DatabaseMigrator<TContext>(
    IServiceProvider services,
    DatabaseTarget target,
    IOptions<DatabaseOptions> options,
    ILogger<DatabaseMigrator<TContext>> logger) : IHostedService, IDatabaseMigrator
    where TContext : DbContext
{
    public string Name => typeof(TContext).Name;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateOnStart)
        {
            await MigrateAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        if (target.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers run beside the one writer; it is a property of the file, so set it once here.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.CloseConnectionAsync();
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            LogMigrating(logger, Name, pending.Count);
            await db.Database.MigrateAsync(cancellationToken);
        }

        foreach (var seeder in scope.ServiceProvider.GetServices<IDataSeeder<TContext>>())
        {
            await seeder.SeedAsync(db, cancellationToken);
        }

        return pending.Count;
    }

    public async Task<int> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        return (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Applying {Count} migration(s) to {Context}")]
    private static partial void LogMigrating(ILogger logger, string context, int count);
}
