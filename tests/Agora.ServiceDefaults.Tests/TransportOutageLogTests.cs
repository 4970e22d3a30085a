using System.Net.Sockets;
using System.Text.Json;
using Agora.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Agora.ServiceDefaults.Tests;

/// <summary>
/// Issue 17, finding 5: while RabbitMQ restarts, Wolverine's senders in every service logged an Error for every batch
/// ("Failed to send outgoing envelopes batch" with "Channel has not been started for this sender", "agent is
/// disconnected", "Error trying to start a new Rabbit MQ channel": 1,500 in Ordering in one 30 s restart), and in the
/// embedded mode the same for a killed peer's TCP listener ("Connection refused"). Through the messaging platform's
/// logging each outage is one Warning; Wolverine's other errors still arrive as errors. An entry with an exception is
/// judged by the exception's type, one without by its text.
/// </summary>
public sealed class TransportOutageLogTests
{
    private const string FailedBatch = "Failed to send outgoing envelopes batch to {Destination}";
    private const string DurableSender = "Wolverine.Persistence.Durability.DurableSendingAgent";
    private const string RabbitSender = "Wolverine.RabbitMQ.Internal.RabbitMqSender";

    private static (IHost Host, LogRecorder Recorder) Start()
    {
        var recorder = new LogRecorder();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(recorder);
        builder.Services.AddSingleton(TimeProvider.System);
        TransportOutageLog.AddTo(builder);
        return (builder.Build(), recorder);
    }

    private static ShutdownEventArgs Closed(ShutdownInitiator by, ushort code, string text) => new(by, code, text);

    public static TheoryData<string, string, Exception?> Outages => new()
    {
        // Embedded mode, a peer killed: the durable sender logs the failed batch without an exception (its text decides).
        { DurableSender, FailedBatch, null },
        // Wolverine's RabbitMQ sender while its channel is down: the one generic type recognised, by its fixed texts.
        { DurableSender, FailedBatch, new InvalidOperationException("Channel has not been started for this sender") },
        { "Wolverine.Transports.Sending.SendingAgent", FailedBatch, new InvalidOperationException("The RabbitMQ agent for rabbitmq://exchange/agora.shipment-created is disconnected") },
        // RabbitMQ's client saying the broker is gone, however wrapped.
        { RabbitSender, "Error trying to start a new Rabbit MQ channel for {Endpoint}", new BrokerUnreachableException(new SocketException((int)SocketError.ConnectionRefused)) },
        { RabbitSender, FailedBatch, new AlreadyClosedException(Closed(ShutdownInitiator.Peer, Constants.ConnectionForced, "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'")) },
        { RabbitSender, FailedBatch, new OperationInterruptedException(Closed(ShutdownInitiator.Library, 0, "End of stream")) },
        { DurableSender, FailedBatch, new AggregateException(new JsonException("unrelated"), new IOException("Unable to write data to the transport connection", new SocketException((int)SocketError.ConnectionReset))) },
        // Embedded mode, a peer killed while the sender connects.
        { DurableSender, FailedBatch, new SocketException((int)SocketError.ConnectionRefused) },
    };

    [Theory]
    [MemberData(nameof(Outages))]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2254:Template should be a static expression", Justification = "Each case logs with the template its Wolverine sender uses.")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1848:Use the LoggerMessage delegates", Justification = "Logs the way Wolverine's sending agents do (LogError with their own templates), which is what the provider under test must recognise.")]
    public void TransportUnreachable_ManyBatches_OneWarningAndNoError(string category, string template, Exception? outage)
    {
        var (host, recorder) = Start();
        using (host)
        {
            var sender = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);
            for (var i = 0; i < 30; i++)
            {
                sender.LogError(outage, template, "rabbitmq://exchange/agora.events.order-placed");
            }

            sender.LogError(new InvalidOperationException("serializer exploded"), "Unable to send outgoing message {Envelope}", "env-1");

            var seen = recorder.Entries;
            var warning = Assert.Single(seen, e => e.Level == LogLevel.Warning);
            Assert.Equal(7010, warning.EventId.Id);
            Assert.Contains("message transport is unreachable", warning.Message, StringComparison.Ordinal);
            var error = Assert.Single(seen, e => e.Level >= LogLevel.Error);
            Assert.Contains("Unable to send outgoing message env-1", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(seen, e => e.Category.StartsWith("Wolverine", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Entries whose text reads like an outage (the failed-batch template, "Connection refused" in the exception's message)
    /// but whose exception's type says something else is wrong: a missing exchange, a port in use, a serializer's error.
    /// Each is an Error of its own, with its exception, never folded into the outage warning.
    /// </summary>
    public static TheoryData<string, Exception> NotOutages => new()
    {
        { "exchange missing", new OperationInterruptedException(Closed(ShutdownInitiator.Peer, Constants.NotFound, "NOT_FOUND - no exchange 'agora.events.order-placed' in vhost '/'")) },
        { "port in use", new SocketException((int)SocketError.AddressAlreadyInUse) },
        { "serializer", new JsonException("Connection refused is not a valid OrderPlaced") },
        { "wrapped", new AggregateException(new InvalidOperationException("Connection refused by the validator", new FormatException("is disconnected"))) },
        { "derived type with the sender's text", new ObjectDisposedException("Channel has not been started for this sender") },
    };

    [Theory]
    [MemberData(nameof(NotOutages))]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1848:Use the LoggerMessage delegates", Justification = "Logs the way Wolverine's sending agents do.")]
    public void TextSaysOutage_ExceptionTypeSaysOtherwise_EveryEntryAnErrorWithItsException(string what, Exception failure)
    {
        var (host, recorder) = Start();
        using (host)
        {
            var sender = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(DurableSender);
            for (var i = 0; i < 3; i++)
            {
                sender.LogError(failure, FailedBatch, "rabbitmq://exchange/agora.events.order-placed");
            }

            var seen = recorder.Entries;
            Assert.DoesNotContain(seen, e => e.EventId.Id == 7010);
            Assert.Equal(3, seen.Count(e => e.Level == LogLevel.Error && ReferenceEquals(e.Exception, failure)
                && e.Message.Contains("Failed to send outgoing envelopes batch", StringComparison.Ordinal)));
            Assert.True(seen.All(e => e.Category == TransportOutageLog.TargetCategory), what);
        }
    }

    [Theory]
    [InlineData("Failed to send outgoing envelopes batch to tcp://localhost:6103/", true)]
    [InlineData("Sending agent for tcp://localhost:6103/ is latched", true)]
    [InlineData("Unable to send outgoing message env-1", false)]
    public void NoException_TheTextDecides(string message, bool outage) =>
        Assert.Equal(outage, TransportOutageLog.IsOutage(null, message));
}
