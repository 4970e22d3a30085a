using System.Collections.Concurrent;
using System.Net.Sockets;
using Agora.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agora.ServiceDefaults.Tests;

/// <summary>
/// Issue 17, finding 5: while RabbitMQ restarts, Wolverine's senders in every service logged an Error for every batch
/// ("Failed to send outgoing envelopes batch" with "Channel has not been started for this sender", "agent is
/// disconnected", "Error trying to start a new Rabbit MQ channel": 1,500 in Ordering in one 30 s restart), and in the
/// embedded mode the same for a killed peer's TCP listener ("Connection refused"). Through the messaging platform's
/// logging each outage is one Warning; Wolverine's other errors still arrive as errors.
/// </summary>
public sealed class TransportOutageLogTests
{
    private sealed record Entry(string Category, LogLevel Level, string Message);

    private sealed class Recorder : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(Recorder recorder, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                recorder.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception)));
        }
    }

    private static (IHost Host, Recorder Recorder) Start()
    {
        var recorder = new Recorder();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(recorder);
        builder.Services.AddSingleton(TimeProvider.System);
        TransportOutageLog.AddTo(builder);
        return (builder.Build(), recorder);
    }

    public static TheoryData<string, Exception?> Outages => new()
    {
        // Embedded mode, a peer killed: the durable sender logs the failed batch without an exception.
        { "Wolverine.Persistence.Durability.DurableSendingAgent", null },
        { "Wolverine.Persistence.Durability.DurableSendingAgent", new InvalidOperationException("Channel has not been started for this sender") },
        { "Wolverine.Transports.Sending.SendingAgent", new InvalidOperationException("The RabbitMQ agent for rabbitmq://exchange/agora.shipment-created is disconnected") },
        { "Wolverine.RabbitMQ.Internal.RabbitMqSender", new InvalidOperationException("Error trying to start a new Rabbit MQ channel for RabbitMqSender") },
        { "Wolverine.Persistence.Durability.DurableSendingAgent", new SocketException((int)SocketError.ConnectionRefused) },
    };

    [Theory]
    [MemberData(nameof(Outages))]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1848:Use the LoggerMessage delegates", Justification = "Logs the way Wolverine's sending agents do (LogError with their own templates), which is what the provider under test must recognise.")]
    public void TransportUnreachable_ManyBatches_OneWarningAndNoError(string category, Exception? outage)
    {
        var (host, recorder) = Start();
        using (host)
        {
            var sender = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);
            for (var i = 0; i < 30; i++)
            {
                sender.LogError(outage, "Failed to send outgoing envelopes batch to {Destination}", "rabbitmq://exchange/agora.events.order-placed");
            }

            sender.LogError(new InvalidOperationException("serializer exploded"), "Unable to send outgoing message {Envelope}", "env-1");

            var seen = recorder.Entries.ToList();
            var warning = Assert.Single(seen, e => e.Level == LogLevel.Warning);
            Assert.Contains("message transport is unreachable", warning.Message, StringComparison.Ordinal);
            var error = Assert.Single(seen, e => e.Level >= LogLevel.Error);
            Assert.Contains("Unable to send outgoing message env-1", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(seen, e => e.Category.StartsWith("Wolverine", StringComparison.Ordinal));
        }
    }
}
