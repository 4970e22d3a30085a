using Agora.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wolverine.EntityFrameworkCore;

namespace Agora.Storage;

/// <summary>Which engine a service's database runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>A SQLite file (embedded mode).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (distributed mode).</summary>
    Postgres,
}

/// <summary>
/// The service's own database: its engine and connection string (the one Wolverine's message store, the health checks
/// and the migrations use).
/// </summary>
public sealed record DatabaseTarget(DatabaseProvider Provider, string ConnectionString)
{
    /// <summary>
    /// The connection string of the service's own EF Core contexts. On PostgreSQL a pooled connection goes back to the
    /// pool without Npgsql's session reset (with prepared statements: <c>RESET ALL</c>, <c>CLOSE ALL</c>,
    /// <c>UNLISTEN *</c>, <c>pg_advisory_unlock_all()</c> and two <c>DISCARD</c>s, sent before the connection's next
    /// command), which is a transaction of its own on the server: 16 % of the shop's PostgreSQL transactions per order
    /// (bench/orders/txcount.sh). The contexts set no session state (no <c>SET</c>, temporary table, <c>LISTEN</c> or
    /// session-level advisory lock; EF's migration lock is a <c>LOCK TABLE</c> inside a transaction), and Npgsql still
    /// rolls back a transaction left open. Wolverine's store keeps the reset (<see cref="ConnectionString"/>): its
    /// leadership is a session-level advisory lock on a pooled connection, which a release that failed must not hand to
    /// the connection's next user.
    /// </summary>
    public string ContextConnectionString { get; } = Provider == DatabaseProvider.Postgres
        ? new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { NoResetOnClose = true }.ConnectionString
        : ConnectionString;

    /// <summary>Points an EF Core context at this database (<see cref="ContextConnectionString"/>).</summary>
    public DbContextOptionsBuilder UseFor(DbContextOptionsBuilder options) => Provider == DatabaseProvider.Sqlite
        ? options.UseSqlite(ContextConnectionString)
        : options.UseNpgsql(ContextConnectionString);
}

/// <summary>Seeds reference data into an empty database after migrations ran.</summary>
public interface IDataSeeder<in TContext> where TContext : DbContext
{
    /// <summary>Adds the data if it is not there yet; must be safe to run at every start.</summary>
    Task SeedAsync(TContext db, CancellationToken cancellationToken);
}

/// <summary>EF Core with a provider switch: SQLite file per service (embedded) or PostgreSQL (distributed).</summary>
public static partial class StorageExtensions
{
    /// <summary>
    /// Resolves the service's database. Embedded: <c>{DataDirectory}/{service}.db</c>. Distributed:
    /// <c>ConnectionStrings:{service}db</c>, else <c>ConnectionStrings:postgres</c> with database <c>agora_{service}</c>; over
    /// TLS verified against the servers' CA when <c>Agora:Tls</c> says so (<see cref="PostgresTls"/>).
    /// </summary>
    public static DatabaseTarget ResolveDatabase(IConfiguration configuration, AgoraOptions options, string contentRoot)
    {
        var service = options.ServiceName;
        if (options.Mode == AgoraMode.Embedded)
        {
            var dir = Path.GetFullPath(options.DataDirectory, contentRoot);
            Directory.CreateDirectory(dir);
            return new DatabaseTarget(DatabaseProvider.Sqlite,
                $"Data Source={Path.Combine(dir, service + ".db")};Default Timeout=30;Pooling=True");
        }

        var own = configuration.GetConnectionString(service + "db");
        if (!string.IsNullOrWhiteSpace(own))
        {
            return new DatabaseTarget(DatabaseProvider.Postgres, WithAutoPrepare(PostgresTls.Apply(own, configuration, service, contentRoot)));
        }

        var server = configuration.GetConnectionString("postgres");
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"Distributed mode needs PostgreSQL: set ConnectionStrings:{service}db or ConnectionStrings:postgres.");
        }

        var csb = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = "agora_" + service };
        return new DatabaseTarget(DatabaseProvider.Postgres, WithAutoPrepare(PostgresTls.Apply(csb.ConnectionString, configuration, service, contentRoot)));
    }

    /// <summary>
    /// Lets Npgsql prepare the statements a connection runs most (up to 64), so PostgreSQL parses and plans a list
    /// page's queries once per connection instead of on every request (about a third of the server's CPU per list
    /// page). A connection string that names <c>Max Auto Prepare</c> itself (0 turns it off) is left as it is.
    /// </summary>
    internal static string WithAutoPrepare(string connectionString)
    {
        if (connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)
            || connectionString.Contains("AutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            return connectionString;
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64 }.ConnectionString;
    }

    /// <summary>
    /// Registers <typeparamref name="TContext"/> on the resolved provider, wired to Wolverine's outbox (its envelope
    /// tables live in the same database, so an entity change and its events commit in one transaction), applies the
    /// provider's migrations and the seeders at start (unless <see cref="DatabaseOptions.MigrateOnStart"/> is false:
    /// then it waits for the migrate verb, unready meanwhile), and adds the database to <c>/health/ready</c>.
    /// </summary>
    public static DatabaseTarget AddAgoraDbContext<TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext
    {
        var options = builder.RequireAgoraService("AddAgoraDbContext");
        var target = ResolveDatabase(builder.Configuration, options, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(target);
        builder.Services.AddDbContextWithWolverineIntegration<TContext>(o =>
        {
            target.UseFor(o);
            o.ReplaceService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly, ProviderMigrationsAssembly>();
            // Wolverine adds its envelope tables to the runtime model; it creates them itself, so migrations leave them out.
            // SQLite has no schemas: Wolverine's envelope mapping names "main", which is where they live anyway.
            o.ConfigureWarnings(w => w.Ignore(
                Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.PendingModelChangesWarning,
                Microsoft.EntityFrameworkCore.Diagnostics.SqliteEventId.SchemaConfiguredWarning));
        }, WolverineSchema(target.Provider));

        // Pool the contexts: a request rents a ready DbContext instead of building one and the EF-internal scoped
        // services behind it (about 8% of a list page's CPU). Wolverine registered the context as a plain scoped
        // service; the pool takes over that registration. EF Core composes every options configuration registered
        // for the context (Wolverine's, with its model customizer, and the pool's size), and the options were already
        // singletons, as pooling needs. A pooled context is reset (change tracker, transaction, connection) when
        // its scope ends.
        builder.Services.RemoveAll<TContext>();
        builder.Services.AddDbContextPool<TContext>(_ => { });

        builder.Services.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.SectionName);
        builder.Services.AddSingleton<DatabaseMigrator<TContext>>();
        builder.Services.AddSingleton<IDatabaseMigrator>(sp => sp.GetRequiredService<DatabaseMigrator<TContext>>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DatabaseMigrator<TContext>>());
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>("database", tags: [HealthTags.Ready]);

        var database = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (!database.MigrateOnStart)
        {
            // Several replicas: the migration Job (the migrate verb) changes the schema, a replica only waits for it.
            builder.Services.AddSingleton<SchemaState>();
            builder.Services.AddHostedService<SchemaWatcher>();
            builder.Services.AddHealthChecks().AddCheck<SchemaHealthCheck>("schema", tags: [HealthTags.Ready]);
        }

        return target;
    }

    /// <summary>Where Wolverine keeps its envelope tables: SQLite has only <c>main</c>; PostgreSQL gets its own schema.</summary>
    public static string WolverineSchema(DatabaseProvider provider) =>
        provider == DatabaseProvider.Sqlite ? "main" : "wolverine";
}

/// <summary>Options for <c>dotnet ef</c> at design time: <c>AGORA_EF_PROVIDER=sqlite|postgres</c> picks the engine.</summary>
public static class DesignTime
{
    /// <summary>Builds options for the provider named by <c>AGORA_EF_PROVIDER</c> (default sqlite).</summary>
    public static DbContextOptions<TContext> Options<TContext>() where TContext : DbContext
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        if (string.Equals(Environment.GetEnvironmentVariable("AGORA_EF_PROVIDER"), "postgres", StringComparison.OrdinalIgnoreCase))
        {
            builder.UseNpgsql("Host=localhost;Database=design_time");
        }
        else
        {
            builder.UseSqlite("Data Source=design_time.db");
        }

        builder.ReplaceService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly, ProviderMigrationsAssembly>();
        return builder.Options;
    }
}
