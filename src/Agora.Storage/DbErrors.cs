using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Agora.Storage;

/// <summary>Recognises constraint failures alike on SQLite and PostgreSQL.</summary>
public static class DbErrors
{
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
