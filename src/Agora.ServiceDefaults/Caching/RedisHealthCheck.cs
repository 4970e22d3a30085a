using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Agora.ServiceDefaults.Caching;

/// <summary>Ready only while Redis answers PING.</summary>
internal sealed class RedisHealthCheck(string configuration) : IHealthCheck
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static ConnectionMultiplexer? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await ConnectAsync();
            var latency = await connection.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            return HealthCheckResult.Unhealthy("Redis is unreachable.", ex);
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        if (_connection is { IsConnected: true } c)
        {
            return c;
        }

        await Gate.WaitAsync();
        try
        {
            if (_connection is { IsConnected: true } again)
            {
                return again;
            }

            var options = ConfigurationOptions.Parse(configuration);
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = 2000;
            _connection?.Dispose();
            _connection = await ConnectionMultiplexer.ConnectAsync(options);
            return _connection;
        }
        finally
        {
            Gate.Release();
        }
    }
}
