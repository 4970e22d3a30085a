using System.Net.Sockets;
using Agora.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Agora.ServiceDefaults.Tests.Storage;

/// <summary>
/// What counts as the database being away for a moment (retry, answer 503) rather than a fault of the request or the
/// message: the exceptions as they reached the handlers while PostgreSQL restarted in the chaos run.
/// </summary>
public sealed class DbErrorsTests
{
    private static NpgsqlException Refused() =>
        new("Failed to connect to 127.0.0.1:45432", new SocketException((int)SocketError.ConnectionRefused));

    public static TheoryData<string, Exception> Transient => new()
    {
        { "connection refused", Refused() },
        { "starting up (57P03)", new PostgresException("the database system is not yet accepting connections", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow) },
        { "shut down under a session (57P01)", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown) },
        { "EF's non-retrying strategy", new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", Refused()) },
        { "a transaction whose connection broke", new ObjectDisposedException("NpgsqlTransaction", new NpgsqlException("Exception while reading from stream", new EndOfStreamException())) },
        { "a save that could not reach it", new DbUpdateException("An error occurred while saving the entity changes.", Refused()) },
        { "SQLite busy", new SqliteException("database is locked", 5) },
        { "SQLite table locked", new SqliteException("database table is locked", 6) },
    };

    public static TheoryData<string, Exception> NotTransient => new()
    {
        { "unique violation", new DbUpdateException("duplicate", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)) },
        { "check violation", new PostgresException("new row violates check constraint", "ERROR", "ERROR", PostgresErrorCodes.CheckViolation) },
        { "SQLite constraint", new SqliteException("UNIQUE constraint failed", 19) },
        { "a bug", new InvalidOperationException("Sequence contains no elements") },
        { "a timeout of the caller's own", new OperationCanceledException() },
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public void DatabaseAwayForAMoment_IsTransient(string because, Exception exception) =>
        Assert.True(DbErrors.IsTransient(exception), because);

    [Theory]
    [MemberData(nameof(NotTransient))]
    public void FaultOfTheWorkItself_IsNotTransient(string because, Exception exception) =>
        Assert.False(DbErrors.IsTransient(exception), because);
}
