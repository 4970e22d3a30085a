using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Agora.Catalog.Tests.Infrastructure;
using Agora.Hosting;
using Agora.Storage;
using Agora.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Agora.Catalog.Tests;

/// <summary>
/// Migrations as a Job: <c>dotnet Agora.Catalog.dll migrate</c> brings the database up to date and exits, and a
/// replica started with <c>Agora:Database:MigrateOnStart=false</c> waits for it, unready and saying why.
/// </summary>
public sealed class MigrateTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Migrate_verb_on_an_empty_sqlite_file_creates_the_schema_seeds_and_exits_0()
    {
        var dir = Path.Combine(Path.GetTempPath(), "agora-tests", "migrate-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (code, output) = await RunMigrateAsync(new() { ["Agora__DataDirectory"] = dir });

            Assert.True(code == 0, output);
            Assert.Contains("migrate: CatalogDbContext: 3 migration(s) applied", output, StringComparison.Ordinal);
            Assert.Contains("migrate: message store ready", output, StringComparison.Ordinal);
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(dir, "catalog.db")};Pooling=False");
            await connection.OpenAsync();
            Assert.True(await ScalarAsync(connection, "SELECT count(*) FROM products") > 0, "seed data");
            Assert.Equal(0, await ScalarAsync(connection, "SELECT count(*) FROM wolverine_incoming_envelopes"));

            // Once per release, and again without harm: nothing pending the second time.
            var (again, secondOutput) = await RunMigrateAsync(new() { ["Agora__DataDirectory"] = dir });
            Assert.True(again == 0, secondOutput);
            Assert.Contains("migrate: CatalogDbContext: 0 migration(s) applied", secondOutput, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Migrate_verb_on_a_missing_postgres_database_creates_it_with_the_schema_and_exits_0()
    {
        TestServers.EnsureDistributedServers();
        var database = "agora_test_migrate_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = database }.ConnectionString;
        try
        {
            var (code, output) = await RunMigrateAsync(new()
            {
                ["Agora__Mode"] = "Distributed",
                ["ConnectionStrings__catalogdb"] = connectionString,
                ["ConnectionStrings__rabbitmq"] = TestServers.RabbitMq,
                ["ConnectionStrings__redis"] = TestServers.Redis,
            });

            Assert.True(code == 0, output);
            Assert.Contains("migrate: message store ready", output, StringComparison.Ordinal);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            Assert.True(await ScalarAsync(connection, "SELECT count(*) FROM products") > 0, "seed data");
            Assert.Equal(0, await ScalarAsync(connection, "SELECT count(*) FROM wolverine.wolverine_incoming_envelopes"));
        }
        finally
        {
            await DropAsync(database);
        }
    }

    [Fact]
    public async Task Migrate_verb_against_an_unreachable_database_exits_1_and_says_why()
    {
        var (code, output) = await RunMigrateAsync(new()
        {
            ["Agora__Mode"] = "Distributed",
            ["ConnectionStrings__catalogdb"] = $"Host=127.0.0.1;Port={TestServers.FreePort()};Database=nowhere;Username=x;Password=y;Timeout=3",
            ["ConnectionStrings__rabbitmq"] = "amqp://guest:guest@127.0.0.1:1/",
            ["ConnectionStrings__redis"] = "127.0.0.1:1",
        });

        Assert.True(code == 1, output);
        Assert.Contains("migrate failed while migrating CatalogDbContext", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AgoraMode.Embedded)]
    [InlineData(AgoraMode.Distributed)]
    public async Task Replica_that_does_not_migrate_is_unready_on_an_empty_database_until_migrate_ran(AgoraMode mode)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CatalogApp(mode)
            .With("Agora:Database:MigrateOnStart", "false")
            .WithServices(s => s.AddSingleton<TimeProvider>(time));
        if (mode == AgoraMode.Distributed)
        {
            // Production: the operator (or the managed server) creates the empty database; the replica only uses it.
            await CreateAsync(app.DatabaseName!);
        }

        await app.InitializeAsync();
        var client = app.CreateClient();
        var behind = (await Poll.UntilAsync(() => SchemaCheckAsync(client),
            r => r.Status == HttpStatusCode.ServiceUnavailable && r.Description.Contains("behind", StringComparison.Ordinal),
            "/health/ready to report the schema behind", TimeSpan.FromSeconds(60))).Description;
        Assert.Equal("database schema is behind: 3 pending migration(s); run the migrate job", behind);

        // The replica did not migrate: the migrate Job does, here in-process with the same code the verb runs.
        using var output = new StringWriter();
        Assert.Equal(0, await AgoraHost.MigrateAsync(app.Services, output, output, CancellationToken.None));

        // Not ready until the next check; then ready, without a restart.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await SchemaCheckAsync(client)).Status);
        time.Advance(app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.SchemaCheckInterval);
        await Poll.UntilAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            "/health/ready to turn healthy after migrate", TimeSpan.FromSeconds(60));
        Assert.Equal("database schema is up to date", (await SchemaCheckAsync(client)).Description);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/products?page_size=1")).StatusCode);
    }

    private static async Task<(HttpStatusCode Status, string Description)> SchemaCheckAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var schema = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "schema");
        return (response.StatusCode, schema.GetProperty("description").GetString() ?? "");
    }

    private static async Task<(int Code, string Output)> RunMigrateAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Agora.Catalog.dll"), "migrate"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Agora__Messaging__ListenPort"] = TestServers.FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"migrate did not exit within {ProcessTimeout}:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + "\n" + await stderr);
    }

    private static async Task<long> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task CreateAsync(string database) => await AdminAsync($"CREATE DATABASE \"{database}\"");

    private static async Task DropAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
    }

    private static async Task AdminAsync(string sql)
    {
        var admin = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = "postgres" }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
