using Agora.Messaging;
using Agora.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Agora.ServiceDefaults.Tests.ServerTls;

/// <summary>
/// Issue 14, RabbitMQ over TLS: with <c>Agora:Tls:Mode=Mutual</c> the service connects to the broker (Wolverine's
/// transport and the readiness check both configure their connection factory through <see cref="RabbitMqConnection"/>)
/// over amqps, and accepts only a server certificate chained to the servers' CA; against the real test broker
/// (<c>scripts/servers.sh</c>: its amqps listener speaks only TLS), which is asked itself whether the connection is TLS.
/// </summary>
public sealed class RabbitMqTlsTests
{
    [Fact]
    public async Task Under_mutual_TLS_the_services_connection_is_TLS_as_the_broker_sees_it()
    {
        var configuration = ServerTlsSettings.Configuration(ServerTlsSettings.RabbitMqTls,
            ("Agora:Tls:Mode", "Mutual"), ("Agora:Tls:Servers:CaPath", ServerTlsSettings.ServersCa));
        var rabbit = RabbitMqConnection.From(configuration, ServerTlsSettings.Service, AppContext.BaseDirectory, TimeProvider.System);
        var factory = new ConnectionFactory();
        rabbit.Configure(factory);

        var name = "agora-tls-test-" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = await factory.CreateConnectionAsync(name);
        Assert.True(connection.IsOpen);
        Assert.True(connection.Endpoint.Ssl.Enabled);

        // The broker's own view: the management API lists the connection with ssl = true.
        var ssl = await Poll.UntilAsync(async () => (await TestServers.RabbitMqConnectionsAsync()).Where(c => c.Name == name).Select(c => (bool?)c.Ssl).FirstOrDefault(),
            s => s is not null, $"the broker listing connection {name}");
        Assert.True(ssl);

        var health = await new RabbitMqHealthCheck(rabbit).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, health.Status);
    }

    [Fact]
    public async Task A_server_certificate_from_another_CA_is_refused()
    {
        var foreign = ServerTlsSettings.ForeignCaFile();
        try
        {
            var configuration = ServerTlsSettings.Configuration(ServerTlsSettings.RabbitMqTls,
                ("Agora:Tls:Mode", "Mutual"), ("Agora:Tls:Servers:CaPath", foreign));
            var rabbit = RabbitMqConnection.From(configuration, ServerTlsSettings.Service, AppContext.BaseDirectory, TimeProvider.System);
            var factory = new ConnectionFactory { AutomaticRecoveryEnabled = false };
            rabbit.Configure(factory);

            var e = await Assert.ThrowsAsync<BrokerUnreachableException>(() => factory.CreateConnectionAsync("agora-tls-foreign"));
            Assert.Contains(Chain(e), x => x is System.Security.Authentication.AuthenticationException);
            var health = await new RabbitMqHealthCheck(rabbit).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Unhealthy, health.Status);
        }
        finally
        {
            File.Delete(foreign);
        }
    }

    [Fact]
    public void Under_mutual_TLS_a_plain_amqp_connection_string_is_refused_at_start_saying_what_to_use()
    {
        var configuration = ServerTlsSettings.Configuration(TestServers.RabbitMq, ("Agora:Tls:Mode", "Mutual"));

        var e = Assert.Throws<InvalidOperationException>(() =>
            RabbitMqConnection.From(configuration, ServerTlsSettings.Service, AppContext.BaseDirectory, TimeProvider.System));
        Assert.Contains("amqps://", e.Message, StringComparison.Ordinal);
        Assert.Contains("Agora:Tls:Servers:Mode=Off", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_mutual_TLS_the_plain_connection_string_is_used_as_given()
    {
        var configuration = ServerTlsSettings.Configuration(TestServers.RabbitMq);
        var rabbit = RabbitMqConnection.From(configuration, ServerTlsSettings.Service, AppContext.BaseDirectory, TimeProvider.System);
        var factory = new ConnectionFactory();
        rabbit.Configure(factory);

        await using var connection = await factory.CreateConnectionAsync("agora-plain-test");
        Assert.False(connection.Endpoint.Ssl.Enabled);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
        }
    }
}
