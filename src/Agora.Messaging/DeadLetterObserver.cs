using System.Diagnostics.Metrics;
using Agora.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine;
using Wolverine.Persistence.Durability;

namespace Agora.Messaging;

/// <summary>
/// <c>agora.messaging.dead_letters</c> (Prometheus <c>agora_messaging_dead_letters_total</c>): messages this service
/// moved to its dead-letter storage, by <c>message_type</c>.
/// </summary>
internal sealed class DeadLetterMetrics
{
    public const string MeterName = "Agora.Messaging";
    public const string CounterName = "agora.messaging.dead_letters";

    private readonly Counter<long> _deadLetters;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The meter factory owns the meters it creates and disposes them with the container.")]
    public DeadLetterMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _deadLetters = meter.CreateCounter<long>(CounterName, "{message}",
            "Messages that failed every retry and were moved to the service's dead-letter storage.");
    }

    public void DeadLettered(string messageType) =>
        _deadLetters.Add(1, new KeyValuePair<string, object?>("message_type", messageType));
}

/// <summary>
/// Counts and logs each message as it arrives in dead-letter storage. A Wolverine wire tap on every listener and
/// sender: Wolverine calls <see cref="IWireTap.RecordFailureAsync"/> from its <c>MovedToErrorQueue</c> tracking event,
/// after the move committed, on every path that dead-letters (the retry policy's <c>MoveToErrorQueue</c>, a body that
/// cannot be read, an outgoing message that cannot be serialized), in both modes. It also calls it when a failure is
/// acknowledged without being stored (its pipeline's last-resort recovery), so the dead letter is looked up by id
/// first: only what really sits in the storage is counted. (<c>IDeadLetterInterceptor</c> is no alternative: durable
/// listeners, which every Agora listener is, write dead letters without calling it.)
/// </summary>
internal sealed partial class DeadLetterWireTap(
    IServiceProvider services, DeadLetterMetrics metrics, ILogger<DeadLetterWireTap> logger) : IWireTap
{
    /// <summary>The keyed-service name, so a service's own (unkeyed) wire tap is not displaced.</summary>
    public const string ServiceKey = "agora-dead-letters";

    public ValueTask RecordSuccessAsync(Envelope envelope) => ValueTask.CompletedTask;

    // Wolverine does not await the tap; the look-up runs on its own and never throws back.
    public ValueTask RecordFailureAsync(Envelope envelope, Exception exception) => new(ObserveAsync(envelope, exception));

    private async Task ObserveAsync(Envelope envelope, Exception exception)
    {
        try
        {
            var store = services.GetRequiredService<IMessageStore>();
            if (await store.DeadLetters.DeadLetterEnvelopeByIdAsync(envelope.Id) is not { } stored)
            {
                return; // failed, but not dead-lettered (or already replayed or discarded)
            }

            var messageType = stored.MessageType;
            metrics.DeadLettered(messageType);
            LogDeadLettered(logger, messageType, envelope.Id, DeadLetterIds.Format(envelope.Id), exception.GetType().FullName ?? exception.GetType().Name,
                DeadLetterIds.Truncate(exception.Message, 500), envelope.Attempts, DeadLetterIds.CorrelationIdOf(envelope) ?? "none");
        }
        catch (Exception ex)
        {
            LogObserveFailed(logger, ex, envelope.Id);
        }
    }

    [LoggerMessage(EventId = 7000, Level = LogLevel.Warning,
        Message = "Dead-lettered {MessageType} message {MessageId} ({DeadLetterId}) after {Attempts} attempt(s): {ExceptionType}: {ExceptionMessage} (correlation {CorrelationId})")]
    private static partial void LogDeadLettered(ILogger logger, string messageType, Guid messageId, string deadLetterId,
        string exceptionType, string exceptionMessage, int attempts, string correlationId);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "Could not record the dead-lettering of message {MessageId}")]
    private static partial void LogObserveFailed(ILogger logger, Exception exception, Guid messageId);
}

/// <summary>The API's dead-letter ids (<c>dlt_</c> and the envelope id) and what is read off an envelope.</summary>
internal static class DeadLetterIds
{
    public const string Prefix = "dlt";
    public const string Pattern = "^dlt_[0-9a-f]{32}$";

    public static string Format(Guid messageId) => Prefix + "_" + messageId.ToString("N");

    public static bool TryParse(string? id, out Guid messageId)
    {
        messageId = Guid.Empty;
        return id is { Length: 36 } && id.StartsWith(Prefix + "_", StringComparison.Ordinal)
            && Guid.TryParseExact(id.AsSpan(4), "N", out messageId);
    }

    /// <summary>The correlation id the message travelled with: Agora's header, else Wolverine's own.</summary>
    public static string? CorrelationIdOf(Envelope? envelope) =>
        envelope is null ? null
        : envelope.Headers.TryGetValue(CorrelationContext.CorrelationIdHeader, out var id) && CorrelationContext.IsSane(id) ? id
        : CorrelationContext.IsSane(envelope.CorrelationId) ? envelope.CorrelationId
        : null;

    public static string Truncate(string? text, int max) =>
        string.IsNullOrEmpty(text) ? "" : text.Length <= max ? text : text[..(max - 1)] + "…";
}
