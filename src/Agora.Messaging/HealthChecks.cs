using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;
using Wolverine.Persistence.Durability;

namespace Agora.Messaging;

/// <summary>Ready only while the outbox/inbox store answers.</summary>
internal sealed class MessageStoreHealthCheck(IMessageStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.Admin.CheckConnectivityAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The message store is unreachable.", ex);
        }
    }
}

/// <summary>Ready only while RabbitMQ accepts a connection.</summary>
internal sealed class RabbitMqHealthCheck(RabbitMqConnection rabbit) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var factory = new ConnectionFactory { RequestedConnectionTimeout = TimeSpan.FromSeconds(2), AutomaticRecoveryEnabled = false };
            rabbit.Configure(factory);
            await using var connection = await factory.CreateConnectionAsync("agora-health", cancellationToken);
            return connection.IsOpen ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("RabbitMQ connection is closed.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("RabbitMQ is unreachable.", ex);
        }
    }
}
