using Agora.Storage;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Agora.ServiceDefaults.Tests.Storage;

/// <summary>
/// Issue 16: a service's EF Core contexts hand a pooled PostgreSQL connection on without Npgsql's session reset (a
/// transaction of its own on the server, before every reuse), while Wolverine's store keeps it, so an advisory lock its
/// leadership failed to release never travels with the connection. Against the real test server; each test has a pool
/// of its own (a unique application name), so the connection rented second is the one given back first.
/// </summary>
public sealed class ConnectionResetTests
{
    private static DatabaseTarget Target() => new(DatabaseProvider.Postgres, new NpgsqlConnectionStringBuilder(TestServers.Postgres)
    {
        Database = "postgres",
        ApplicationName = "agora-reset-" + Guid.NewGuid().ToString("N")[..12],
        MaxAutoPrepare = 64,
    }.ConnectionString);

    [Fact]
    public async Task A_context_rents_the_connection_the_last_context_gave_back_without_a_reset()
    {
        var options = Target().UseFor(new DbContextOptionsBuilder()).Options;
        int first;
        await using (var db = new DbContext(options))
        {
            first = await ScalarAsync<int>(db, "select pg_backend_pid() as \"Value\"");
            await ScalarAsync<string>(db, "select set_config('agora.probe', 'kept', false) as \"Value\"");
        }

        await using (var db = new DbContext(options))
        {
            Assert.Equal(first, await ScalarAsync<int>(db, "select pg_backend_pid() as \"Value\""));
            // No reset ran in between: RESET ALL would have cleared the session's setting.
            Assert.Equal("kept", await ScalarAsync<string>(db, "select current_setting('agora.probe', true) as \"Value\""));
        }
    }

    [Fact]
    public async Task The_message_stores_connection_is_reset_so_a_lock_it_kept_is_released_before_its_next_use()
    {
        var target = Target();
        var key = Random.Shared.NextInt64(1, long.MaxValue);
        int pid;
        await using (var connection = new NpgsqlConnection(target.ConnectionString))
        {
            await connection.OpenAsync();
            pid = await ScalarAsync<int>(connection, "select pg_backend_pid()");
            await ScalarAsync<object>(connection, $"select pg_advisory_lock({key})");
        }

        await using (var connection = new NpgsqlConnection(target.ConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal(pid, await ScalarAsync<int>(connection, "select pg_backend_pid()"));
            Assert.Equal(0L, await ScalarAsync<long>(connection,
                $"select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and objid = ({key} & 4294967295)::oid"));
        }
    }

    private static Task<T> ScalarAsync<T>(DbContext db, string sql) =>
        db.Database.SqlQueryRaw<T>(sql).SingleAsync();

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
