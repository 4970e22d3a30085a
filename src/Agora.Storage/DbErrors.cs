using Agora.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Agora.Storage;

/// <summary>Recognises constraint failures and an unreachable database alike on SQLite and PostgreSQL.</summary>
public static class DbErrors
{
    /// <summary>
    /// The database could not be reached or asked to try again (a restart, a failover, a full connection pool, a
    /// serialization failure, SQLite busy or locked): nothing about the request or message was wrong and the same work
    /// succeeds once the database is back. Looks through the wrappers EF Core and Npgsql put around the cause
    /// (<c>DbUpdateException</c>, EF's "likely due to a transient failure" <c>InvalidOperationException</c>, an
    /// <c>ObjectDisposedException</c> of a transaction whose connection broke).
    /// </summary>
    public static bool IsTransient(Exception? exception) =>
        exception is not null && ExceptionChain.Of(exception).Any(e => e is
            NpgsqlException { IsTransient: true }
            or SqliteException { SqliteErrorCode: 5 or 6 }); // SQLITE_BUSY, SQLITE_LOCKED

    /// <summary>A unique index or primary key was violated (a race another request won).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>A CHECK constraint was violated (e.g. stock would go negative).</summary>
    public static bool IsCheckViolation(Exception exception) => (exception as DbUpdateException)?.InnerException switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode == 275,
        PostgresException p => p.SqlState == PostgresErrorCodes.CheckViolation,
        _ => false,
    } || exception switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode == 275,
        PostgresException p => p.SqlState == PostgresErrorCodes.CheckViolation,
        _ => false,
    };
}
