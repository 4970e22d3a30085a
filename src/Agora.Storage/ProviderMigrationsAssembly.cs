#pragma warning disable EF1001 // MigrationsAssembly is EF's internal service; we only filter what it found.
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Internal;

namespace Agora.Storage;

/// <summary>
/// One DbContext, two sets of migrations in one assembly: migrations and snapshots whose namespace ends in
/// <c>.Sqlite</c> serve SQLite, those ending in <c>.Postgres</c> serve PostgreSQL. The schema on each engine is then
/// exactly what its own migrations say, with no provider conditionals inside a migration.
/// </summary>
internal sealed class ProviderMigrationsAssembly(
    ICurrentDbContext currentContext,
    IDbContextOptions options,
    IMigrationsIdGenerator idGenerator,
    IDiagnosticsLogger<DbLoggerCategory.Migrations> logger)
    : MigrationsAssembly(currentContext, options, idGenerator, logger)
{
    private readonly string _suffix = ProviderSuffix(currentContext.Context.Database.ProviderName);
    private readonly Type _contextType = currentContext.Context.GetType();
    private IReadOnlyDictionary<string, TypeInfo>? _migrations;
    private ModelSnapshot? _snapshot;
    private bool _snapshotResolved;

    public override IReadOnlyDictionary<string, TypeInfo> Migrations =>
        _migrations ??= base.Migrations
            .Where(m => m.Value.Namespace?.EndsWith(_suffix, StringComparison.Ordinal) == true)
            .ToDictionary(m => m.Key, m => m.Value);

    public override ModelSnapshot? ModelSnapshot
    {
        get
        {
            if (!_snapshotResolved)
            {
                var snapshotType = Assembly.DefinedTypes
                    .FirstOrDefault(t => !t.IsAbstract && t.IsSubclassOf(typeof(ModelSnapshot))
                        && t.Namespace?.EndsWith(_suffix, StringComparison.Ordinal) == true
                        && t.GetCustomAttribute<DbContextAttribute>()?.ContextType == _contextType);
                _snapshot = snapshotType is null ? null : (ModelSnapshot)Activator.CreateInstance(snapshotType.AsType())!;
                _snapshotResolved = true;
            }

            return _snapshot;
        }
    }

    internal static string ProviderSuffix(string? providerName) => providerName switch
    {
        "Microsoft.EntityFrameworkCore.Sqlite" => ".Sqlite",
        "Npgsql.EntityFrameworkCore.PostgreSQL" => ".Postgres",
        _ => throw new NotSupportedException($"No migrations for provider {providerName}."),
    };
}
