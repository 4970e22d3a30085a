using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Agora.Testing;

/// <summary>One log entry as <see cref="LogRecorder"/> kept it.</summary>
/// <param name="Sequence">Its place in the recorder's order, from 1: a mark for <see cref="LogRecorder.Since"/>.</param>
/// <param name="Category">The logger's category (a class's full name, or Wolverine's message type name).</param>
/// <param name="Level">Its level.</param>
/// <param name="EventId">Its event id (source-generated log events have one each).</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception it carried, if any.</param>
/// <param name="State">The structured values (template placeholders by name, and <c>{OriginalFormat}</c>).</param>
/// <param name="At">When it was logged (the machine's clock: for reading a failure, not for asserting on).</param>
public sealed record LogEntry(
    int Sequence, string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception,
    IReadOnlyDictionary<string, object?> State, DateTimeOffset At)
{
    /// <summary>One line for a failure message: level, category, event id, message and exception type.</summary>
    public override string ToString() =>
        $"{At:HH:mm:ss.fff} {Level} {Category}[{EventId.Id}]: {Message}" + (Exception is null ? "" : $" ({Exception.GetType().Name}: {Exception.Message})");
}

/// <summary>
/// The tests' one capturing logger: an <see cref="ILoggerProvider"/> that keeps every entry at or above
/// <see cref="Minimum"/> from every logger it creates, in order. Add it to an app
/// (<c>WithServices(s =&gt; s.AddSingleton&lt;ILoggerProvider&gt;(recorder))</c>) or a host builder
/// (<c>builder.Logging.AddProvider(recorder)</c>); the app's own <c>Logging:LogLevel</c> filters still apply first.
/// </summary>
public sealed class LogRecorder(LogLevel minimum = LogLevel.Trace) : ILoggerProvider
{
    private static readonly IReadOnlyDictionary<string, object?> NoState = new Dictionary<string, object?>();

    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly Lock _lock = new();
    private int _sequence;

    /// <summary>The lowest level kept.</summary>
    public LogLevel Minimum { get; } = minimum;

    /// <summary>Every entry kept so far, in order (a snapshot).</summary>
    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    /// <summary>How many entries were kept so far: a mark to ask <see cref="Since"/> about.</summary>
    public int Count => Volatile.Read(ref _sequence);

    /// <summary>The entries kept after <paramref name="mark"/> (a <see cref="Count"/> read earlier).</summary>
    public IReadOnlyList<LogEntry> Since(int mark) => _entries.Where(e => e.Sequence > mark).ToArray();

    /// <summary>The entries at Error or above that carry an exception, kept after <paramref name="mark"/>: failures a retry may have hidden.</summary>
    public IReadOnlyList<LogEntry> FailuresSince(int mark) =>
        _entries.Where(e => e.Sequence > mark && e.Level >= LogLevel.Error && e.Exception is not null).ToArray();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Record(string category, LogLevel level, EventId eventId, string message, Exception? exception, IReadOnlyDictionary<string, object?> state)
    {
        // The sequence is taken and the entry queued under one lock, so entries are queued in sequence order.
        lock (_lock)
        {
            _entries.Enqueue(new LogEntry(++_sequence, category, level, eventId, message, exception, state, DateTimeOffset.UtcNow));
        }
    }

    private sealed class Logger(LogRecorder recorder, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= recorder.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal)
                : NoState;
            recorder.Record(category, logLevel, eventId, formatter(state, exception), exception, values);
        }
    }
}
