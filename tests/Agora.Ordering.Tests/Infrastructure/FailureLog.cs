using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Agora.Ordering.Tests.Infrastructure;

/// <summary>One error the app logged with an exception (Wolverine logs a failed handler under the message type's name).</summary>
public sealed record LoggedFailure(int Sequence, string Category, Exception Exception, string Message);

/// <summary>
/// Records every error-level log entry that carries an exception, so a test can see a message handler that failed
/// even when a retry later hid the failure from the outcome.
/// </summary>
public sealed class FailureLog : ILoggerProvider
{
    private readonly ConcurrentQueue<LoggedFailure> _entries = new();
    private int _sequence;

    /// <summary>How many failures were logged so far: a mark to ask <see cref="Since"/> about.</summary>
    public int Count => Volatile.Read(ref _sequence);

    /// <summary>The failures logged after <paramref name="mark"/>.</summary>
    public IReadOnlyList<LoggedFailure> Since(int mark) => _entries.Where(e => e.Sequence > mark).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(FailureLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && exception is not null)
            {
                log._entries.Enqueue(new LoggedFailure(Interlocked.Increment(ref log._sequence), category, exception, formatter(state, exception)));
            }
        }
    }
}
