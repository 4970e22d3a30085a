using System.Collections.Concurrent;

namespace Agora.Shipping.Infrastructure;

/// <summary>
/// While RabbitMQ restarts, Wolverine's senders log an Error with "The RabbitMQ agent for … is disconnected" for every
/// message they try to send, dozens per outage, although nothing is lost (the outbox keeps the messages and sends them
/// on reconnect). This provider takes Wolverine's log entries in place of the others: a disconnection is logged once,
/// as a Warning, per quiet period of <see cref="Quiet"/>; every other entry goes on as it was, at its own level, under
/// <c>Agora.Shipping.Messaging</c> with Wolverine's category in the message.
/// </summary>
public sealed partial class BrokerReconnectLog(IServiceProvider services, TimeProvider clock) : ILoggerProvider
{
    /// <summary>The categories this provider takes over (a prefix, as logging filter rules match).</summary>
    public const string Category = "Wolverine";

    /// <summary>After this long without a disconnection error, the next one is logged again.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Logger> _loggers = new(StringComparer.Ordinal);
    private ILogger? _target;
    private long _lastDisconnectTicks;

    private ILogger Target => _target ??= services.GetRequiredService<ILoggerFactory>().CreateLogger("Agora.Shipping.Messaging");

    /// <summary>Registers the provider and routes Wolverine's entries (Warning and above) to it alone.</summary>
    public static void AddTo(IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BrokerReconnectLog>();
        builder.Services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<BrokerReconnectLog>());
        builder.Logging.AddFilter(Category, LogLevel.None);
        builder.Logging.AddFilter<BrokerReconnectLog>(Category, LogLevel.Warning);
    }

    // Only Wolverine's categories: everything else (its own forwarded entries among them) goes to the other providers.
    public ILogger CreateLogger(string categoryName) => categoryName.StartsWith(Category, StringComparison.Ordinal)
        ? _loggers.GetOrAdd(categoryName, c => new Logger(this, c))
        : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    /// <summary>Whether an entry is a sender finding the broker gone (an expected, self-healing state).</summary>
    internal static bool IsDisconnection(Exception? exception, string message)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains("is disconnected", StringComparison.Ordinal) || e.GetType().Name is "BrokerUnreachableException" or "AlreadyClosedException")
            {
                return true;
            }
        }

        return message.Contains("is disconnected", StringComparison.Ordinal);
    }

    private void Write(string category, LogLevel level, Exception? exception, string message)
    {
        if (IsDisconnection(exception, message))
        {
            var now = clock.GetUtcNow().UtcTicks;
            var last = Interlocked.Exchange(ref _lastDisconnectTicks, now);
            if (now - last >= Quiet.Ticks)
            {
                LogDisconnected(Target, category, exception?.Message ?? message);
            }

            return;
        }

        LogForwarded(Target, level, category, message, exception);
    }

    [LoggerMessage(EventId = 5190, Level = LogLevel.Warning,
        Message = "RabbitMQ is unreachable ({Category}: {Reason}); messages wait in the outbox and are sent on reconnect. Logged once per outage")]
    private static partial void LogDisconnected(ILogger logger, string category, string reason);

    [LoggerMessage(EventId = 5191, Message = "[{Category}] {Message}")]
    private static partial void LogForwarded(ILogger logger, LogLevel level, string category, string message, Exception? exception);

    private sealed class Logger(BrokerReconnectLog owner, string category) : ILogger
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
