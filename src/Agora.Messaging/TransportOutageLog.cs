using System.Collections.Concurrent;
using System.Net.Sockets;
using Agora.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Agora.Messaging;

/// <summary>
/// While RabbitMQ restarts (distributed mode) or a peer's TCP listener is down (embedded mode: the peer was killed and
/// is starting again), Wolverine's senders log an Error for every batch they try to send — "Failed to send outgoing
/// envelopes batch", "Channel has not been started for this sender", "agent is disconnected", "Connection refused" —
/// hundreds per outage, although nothing is lost: the durable outbox keeps the messages and sends them on reconnect.
/// This provider takes Wolverine's log entries in place of the others: an outage is logged once, as a Warning, per
/// quiet period of <see cref="Quiet"/>; every other entry goes on as it was, at its own level, under
/// <c>Agora.Messaging.Transport</c> with Wolverine's category in the message. <see cref="MessagingExtensions.AddAgoraMessaging"/>
/// registers it for every service.
/// </summary>
public sealed partial class TransportOutageLog(IServiceProvider services, TimeProvider clock) : ILoggerProvider
{
    /// <summary>The categories this provider takes over (a prefix, as logging filter rules match).</summary>
    public const string Category = "Wolverine";

    /// <summary>Where this provider writes (the other providers' category for Wolverine's entries).</summary>
    public const string TargetCategory = "Agora.Messaging.Transport";

    /// <summary>After this long without an outage error, the next one is logged again.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);

    // What a socket says when the peer or the broker cannot be reached (as opposed to, say, a port already in use).
    private static readonly SocketError[] UnreachableSocketErrors =
    [
        SocketError.ConnectionRefused, SocketError.ConnectionReset, SocketError.ConnectionAborted, SocketError.HostUnreachable,
        SocketError.NetworkUnreachable, SocketError.NetworkDown, SocketError.NetworkReset, SocketError.HostDown, SocketError.TimedOut,
        SocketError.NotConnected, SocketError.Shutdown, SocketError.HostNotFound, SocketError.TryAgain,
    ];

    // The two InvalidOperationExceptions Wolverine's RabbitMQ sender throws while its channel is down: the one generic
    // type whose text has to be read, and only these fixed texts of it.
    private static readonly string[] WolverineSenderStates = ["Channel has not been started for this sender", "is disconnected"];

    // No exception attached: the durable sender's own words while a TCP peer is down, and once it stops trying for a while.
    private static readonly string[] OutageMessages =
        [
            "Failed to send outgoing envelopes batch", "is latched", "is disconnected", "Channel has not been started",
            "Error trying to start a new Rabbit MQ channel", "Connection refused",
        ];

    private readonly ConcurrentDictionary<string, Logger> _loggers = new(StringComparer.Ordinal);
    private ILogger? _target;
    private long _lastOutageTicks = long.MinValue / 2;

    private ILogger Target => _target ??= services.GetRequiredService<ILoggerFactory>().CreateLogger(TargetCategory);

    /// <summary>Registers the provider and routes Wolverine's entries (Warning and above) to it alone.</summary>
    public static void AddTo(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<TransportOutageLog>();
        builder.Services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<TransportOutageLog>());
        builder.Logging.AddFilter(Category, LogLevel.None);
        builder.Logging.AddFilter<TransportOutageLog>(Category, LogLevel.Warning);
    }

    // Only Wolverine's categories: everything else (its own forwarded entries among them) goes to the other providers.
    public ILogger CreateLogger(string categoryName) => categoryName.StartsWith(Category, StringComparison.Ordinal)
        ? _loggers.GetOrAdd(categoryName, c => new Logger(this, c))
        : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    /// <summary>
    /// Whether an entry is a sender finding the broker or a peer gone (an expected, self-healing state). With an exception
    /// attached its type decides, anywhere in the chain (inner exceptions, every exception of an
    /// <see cref="AggregateException"/>): RabbitMQ's "unreachable" and "connection closed" exceptions, a socket that was
    /// refused, reset or timed out, and Wolverine's RabbitMQ sender saying its channel is down. An exception of any other
    /// type is not an outage, whatever the entry's text says. Only an entry without an exception is judged by its text
    /// (the durable TCP sender logs a peer's absence that way).
    /// </summary>
    internal static bool IsOutage(Exception? exception, string message) =>
        exception is null ? OutageMessages.Any(m => message.Contains(m, StringComparison.Ordinal)) : ExceptionChain.Of(exception).Any(IsOutageType);

    private static bool IsOutageType(Exception e) => e switch
    {
        BrokerUnreachableException or ConnectFailureException or AlreadyClosedException => true,
        // A channel or connection the broker or the client library closed because the connection went (the broker
        // stopping says 320 CONNECTION_FORCED); not one closed for a protocol error (404 NOT_FOUND, 406 PRECONDITION_FAILED …).
        OperationInterruptedException { ShutdownReason: var reason } =>
            reason is null || reason.Initiator == ShutdownInitiator.Library || reason.ReplyCode == Constants.ConnectionForced,
        SocketException socket => Array.IndexOf(UnreachableSocketErrors, socket.SocketErrorCode) >= 0,
        InvalidOperationException when e.GetType() == typeof(InvalidOperationException) =>
            WolverineSenderStates.Any(m => e.Message.Contains(m, StringComparison.Ordinal)),
        _ => false,
    };

    private void Write(string category, LogLevel level, Exception? exception, string message)
    {
        if (IsOutage(exception, message))
        {
            var now = clock.GetUtcNow().UtcTicks;
            var last = Interlocked.Exchange(ref _lastOutageTicks, now);
            if (now - last >= Quiet.Ticks)
            {
                LogOutage(Target, category, exception?.Message ?? message);
            }

            return;
        }

        LogForwarded(Target, level, category, message, exception);
    }

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning,
        Message = "The message transport is unreachable ({Category}: {Reason}); messages wait in the outbox and are sent on reconnect. Logged once per outage")]
    private static partial void LogOutage(ILogger logger, string category, string reason);

    [LoggerMessage(EventId = 7011, Message = "[{Category}] {Message}")]
    private static partial void LogForwarded(ILogger logger, LogLevel level, string category, string message, Exception? exception);

    private sealed class Logger(TransportOutageLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(category, logLevel, exception, formatter(state, exception));
            }
        }
    }
}
