using Agora.Storage;
using Npgsql;

namespace Agora.ServiceDefaults.Tests.ServerTls;

/// <summary>
/// Issue 14, PostgreSQL over TLS: with <c>Agora:Tls:Mode=Mutual</c> the service's connection string (the one
/// <see cref="StorageExtensions.ResolveDatabase"/> gives EF Core and Wolverine) asks for TLS and a server certificate
/// chained to the servers' CA and issued for the host; against the real test server (<c>scripts/servers.sh</c>, ssl=on).
/// </summary>
public sealed class PostgresTlsTests
{
    [Fact]
    public async Task Under_mutual_TLS_the_services_connection_is_encrypted_and_verified()
    {
        var configuration = ServerTlsSettings.Configuration(Agora.Testing.TestServers.RabbitMq,
            ("Agora:Tls:Mode", "Mutual"), ("Agora:Tls:Servers:CaPath", ServerTlsSettings.ServersCa));
        var target = StorageExtensions.ResolveDatabase(configuration, ServerTlsSettings.Agora(configuration), AppContext.BaseDirectory);

        var settings = new NpgsqlConnectionStringBuilder(target.ConnectionString);
        Assert.Equal(SslMode.VerifyFull, settings.SslMode);
        Assert.True(ServerTlsSettings.SameCertificate(settings.RootCertificate!, ServerTlsSettings.ServersCa));
        await using var connection = new NpgsqlConnection(target.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select ssl from pg_stat_ssl where pid = pg_backend_pid()", connection);
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_server_certificate_from_another_CA_is_refused()
    {
        var foreign = ServerTlsSettings.ForeignCaFile();
        try
        {
            var configuration = ServerTlsSettings.Configuration(Agora.Testing.TestServers.RabbitMq,
                ("Agora:Tls:Mode", "Mutual"), ("Agora:Tls:Servers:CaPath", foreign));
            var target = StorageExtensions.ResolveDatabase(configuration, ServerTlsSettings.Agora(configuration), AppContext.BaseDirectory);

            await using var connection = new NpgsqlConnection(target.ConnectionString);
            var e = await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync());
            Assert.IsType<System.Security.Authentication.AuthenticationException>(e.InnerException);
        }
        finally
        {
            File.Delete(foreign);
        }
    }

    [Fact]
    public void Without_mutual_TLS_the_connection_string_is_as_given()
    {
        var configuration = ServerTlsSettings.Configuration(Agora.Testing.TestServers.RabbitMq);
        var target = StorageExtensions.ResolveDatabase(configuration, ServerTlsSettings.Agora(configuration), AppContext.BaseDirectory);

        var settings = new NpgsqlConnectionStringBuilder(target.ConnectionString);
        Assert.Null(settings.RootCertificate);
        Assert.NotEqual(SslMode.VerifyFull, settings.SslMode);
    }

    [Fact]
    public void Mutual_with_server_TLS_turned_off_leaves_the_connection_string_as_given()
    {
        var configuration = ServerTlsSettings.Configuration(Agora.Testing.TestServers.RabbitMq,
            ("Agora:Tls:Mode", "Mutual"), ("Agora:Tls:Servers:Mode", "Off"));
        var target = StorageExtensions.ResolveDatabase(configuration, ServerTlsSettings.Agora(configuration), AppContext.BaseDirectory);

        Assert.Null(new NpgsqlConnectionStringBuilder(target.ConnectionString).RootCertificate);
    }
}
