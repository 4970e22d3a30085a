using System.Collections.Concurrent;
using Agora.Shipping.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agora.Shipping.Tests;

/// <summary>
/// Issue 17, finding 5: while RabbitMQ reconnects, Wolverine's senders log "agent is disconnected" as an Error for every
/// message. Through Shipping's logging that is one Warning per outage; Wolverine's other errors still arrive as errors.
/// </summary>
public sealed class BrokerReconnectLogTests
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

    [Fact]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1848:Use the LoggerMessage delegates", Justification = "Logs the way Wolverine's sending agent does (LogError with its own templates), which is what the filter under test must recognise.")]
    public void RabbitMqDisconnected_ManyMessages_OneWarningAndNoError()
    {
        using var recorder = new Recorder();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(recorder);
        builder.Services.AddSingleton(TimeProvider.System);
        BrokerReconnectLog.AddTo(builder);
        using var host = builder.Build();
        var sender = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Wolverine.Transports.Sending.SendingAgent");

        for (var i = 0; i < 30; i++)
        {
            sender.LogError(new InvalidOperationException("The RabbitMQ agent for rabbitmq://exchange/agora.shipment-created is disconnected"),
                "Failure trying to send a message batch to {Destination}", "rabbitmq://exchange/agora.shipment-created");
        }

        sender.LogError(new InvalidOperationException("serializer exploded"), "Unable to send outgoing message {Envelope}", "env-1");

        var seen = recorder.Entries.ToList();
        var warning = Assert.Single(seen, e => e.Level == LogLevel.Warning);
        Assert.Contains("RabbitMQ is unreachable", warning.Message, StringComparison.Ordinal);
        var error = Assert.Single(seen, e => e.Level >= LogLevel.Error);
        Assert.Contains("Unable to send outgoing message env-1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(seen, e => e.Category.StartsWith("Wolverine", StringComparison.Ordinal));
    }
}
