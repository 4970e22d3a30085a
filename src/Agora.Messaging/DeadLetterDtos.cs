using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Persistence.Durability;

namespace Agora.Messaging;

/// <summary>A message that failed every retry and waits in this service's dead-letter storage.</summary>
/// <param name="Id">The dead letter's id (<c>dlt_</c> and the message id).</param>
/// <param name="MessageId">The message's (Wolverine envelope's) id, as the service's logs name it.</param>
/// <param name="MessageType">The message type, as the <c>message_type</c> filter takes it.</param>
/// <param name="Error">The exception of the last attempt.</param>
/// <param name="Attempts">How many times it was tried before it was dead-lettered (the first try and the retries).</param>
/// <param name="FailedAt">When it was dead-lettered (this time).</param>
/// <param name="FirstFailedAt">When it was first dead-lettered, counting failures before a replay.</param>
/// <param name="ReplayCount">How many times it was replayed and failed again.</param>
/// <param name="LastReplayedAt">When it was last replayed, if ever.</param>
/// <param name="CorrelationId">The correlation id it travelled with, if any.</param>
/// <param name="Source">The service that sent it.</param>
/// <param name="Destination">Where it was received (or sent from, for a message that could not be sent).</param>
/// <param name="SentAt">When the sender sent it.</param>
/// <param name="ReplayRequested">True once a replay was asked for: it leaves the list when it is handed back to its handler (within seconds).</param>
public partial record DeadLetterDto(
    [property: MaxLength(36), RegularExpression(DeadLetterIds.Pattern)] string Id,
    [property: MaxLength(36), RegularExpression("^[0-9a-f-]{36}$")] string MessageId,
    [property: MaxLength(DeadLetterDto.MaxMessageTypeLength), RegularExpression(DeadLetterFilter.MessageTypePattern)] string MessageType,
    DeadLetterErrorDto Error,
    [property: Range(0, int.MaxValue)] int Attempts,
    DateTime FailedAt,
    DateTime FirstFailedAt,
    [property: Range(0, int.MaxValue)] int ReplayCount,
    DateTime? LastReplayedAt,
    [property: MaxLength(128), RegularExpression("^[A-Za-z0-9._:-]+$")] string? CorrelationId,
    [property: MaxLength(DeadLetterDto.MaxNameLength), RegularExpression("^[A-Za-z0-9._:-]+$")] string? Source,
    [property: MaxLength(DeadLetterDto.MaxNameLength), Url] string? Destination,
    DateTime SentAt,
    bool ReplayRequested)
{
    internal const int MaxMessageTypeLength = 256;
    internal const int MaxNameLength = 512;
    internal const int MaxErrorMessageLength = 2000;

    internal static DeadLetterDto From(DeadLetterEnvelope d) => new(
        DeadLetterIds.Format(d.Id), d.Id.ToString("D"), DeadLetterIds.Truncate(d.MessageType, MaxMessageTypeLength),
        new DeadLetterErrorDto(DeadLetterIds.Truncate(d.ExceptionType, MaxNameLength), DeadLetterIds.Truncate(d.ExceptionMessage, MaxErrorMessageLength)),
        d.Envelope?.Attempts ?? 0,
        Utc(d.FailedAt ?? d.SentAt), Utc(d.FirstFailedAt ?? d.FailedAt ?? d.SentAt), d.ReplayCount,
        d.LastReplayedAt is { } replayed ? Utc(replayed) : null,
        DeadLetterIds.CorrelationIdOf(d.Envelope),
        Optional(d.Source) is { } source && SourcePattern().IsMatch(source) ? source : null,
        Optional(d.ReceivedAt), Utc(d.SentAt), d.Replayable);

    internal static DateTime Utc(DateTimeOffset at) => at.UtcDateTime;

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial System.Text.RegularExpressions.Regex SourcePattern();

    private static string? Optional(string? value) =>
        string.IsNullOrEmpty(value) || value == "unknown" || value.Length > MaxNameLength ? null : value;
}

/// <summary>The exception that failed the message's last attempt.</summary>
/// <param name="Type">The exception's type (full name).</param>
/// <param name="Message">The exception's message.</param>
public sealed record DeadLetterErrorDto(
    [property: MaxLength(DeadLetterDto.MaxNameLength)] string Type,
    [property: MaxLength(DeadLetterDto.MaxErrorMessageLength)] string Message);

/// <summary>One dead letter with its message body.</summary>
public sealed record DeadLetterDetailDto : DeadLetterDto
{
    private DeadLetterDetailDto(DeadLetterDto summary, JsonElement? message, string? contentType)
        : base(summary)
    {
        Message = message;
        ContentType = contentType;
    }

    /// <summary>The message as it was sent (JSON), or null when its body cannot be read as JSON.</summary>
    [Description("The message body as it was sent (JSON), or null when it cannot be read as JSON.")]
    public JsonElement? Message { get; init; }

    /// <summary>The body's media type as sent.</summary>
    [MaxLength(128), RegularExpression("^[\\x20-\\x7E]+$"), Description("The media type the body was sent as.")]
    public string? ContentType { get; init; }

    internal static DeadLetterDetailDto FromDetail(DeadLetterEnvelope d) =>
        new(From(d), ReadBody(d), d.Envelope?.ContentType is { Length: > 0 and <= 128 } type && type.All(c => c is >= ' ' and <= '~') ? type : null);

    private static JsonElement? ReadBody(DeadLetterEnvelope d)
    {
        if (d.Envelope?.Data is not { Length: > 0 } data
            || d.Envelope.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>How many dead letters were marked for replay.</summary>
/// <param name="Replayed">Dead letters marked; each is handed back to its handler once, within seconds.</param>
public sealed record DeadLetterReplayResult([property: Range(0, int.MaxValue)] int Replayed);

/// <summary>How many dead letters were discarded.</summary>
/// <param name="Discarded">Dead letters deleted; they will not be handled.</param>
public sealed record DeadLetterDiscardResult([property: Range(0, int.MaxValue)] int Discarded);

/// <summary>Query parameters of the dead-letter list.</summary>
public sealed class DeadLetterListQuery
{
    /// <summary>Only dead letters of this message type.</summary>
    [FromQuery(Name = "message_type"), MaxLength(DeadLetterDto.MaxMessageTypeLength), RegularExpression(DeadLetterFilter.MessageTypePattern),
     Description("Only dead letters of this message type, exactly as message_type shows it.")]
    public string? MessageType { get; init; }

    /// <summary>Items per page, 1–100, default 20.</summary>
    [FromQuery(Name = "per_page"), Range(1, 100), Description("Items per page, 1-100. Default 20.")]
    public int? PerPage { get; init; }

    /// <summary>1-based page, default 1.</summary>
    [FromQuery(Name = "page"), Range(1, DeadLetterFilter.MaxPage), Description("1-based page. Default 1.")]
    public int? Page { get; init; }
}

/// <summary>Which dead letters a bulk replay or discard applies to.</summary>
public sealed class DeadLetterFilter
{
    internal const string MessageTypePattern = "^[A-Za-z0-9_.+:/`,\\[\\]-]+$";
    internal const int MaxPage = 100_000;

    /// <summary>Only dead letters of this message type.</summary>
    [FromQuery(Name = "message_type"), MaxLength(DeadLetterDto.MaxMessageTypeLength), RegularExpression(MessageTypePattern),
     Description("Only dead letters of this message type, exactly as message_type shows it.")]
    public string? MessageType { get; init; }
}

/// <summary>Which dead letters a bulk discard deletes: a message type, or all of them when asked explicitly.</summary>
public sealed class DeadLetterDiscardFilter
{
    /// <summary>Only dead letters of this message type.</summary>
    [FromQuery(Name = "message_type"), MaxLength(DeadLetterDto.MaxMessageTypeLength), RegularExpression(DeadLetterFilter.MessageTypePattern),
     Description("Discard the dead letters of this message type, exactly as message_type shows it.")]
    public string? MessageType { get; init; }

    /// <summary>True to discard every dead letter; required when no message type is given.</summary>
    [FromQuery(Name = "all"), Description("true to discard every dead letter of the service; required when message_type is not given.")]
    public bool? All { get; init; }
}
