using System.Text.Json;

namespace Agora.Web.Features.Console;

// The services' staff resources as the console reads them (snake_case JSON in the {"data", "pagination"} envelope).
// Only the fields the pages show; unknown fields are ignored.

/// <summary>The exception that failed a dead letter's last attempt.</summary>
public sealed record DeadLetterError(string Type, string Message);

/// <summary>A dead letter as a service lists it (<c>/api/v1/admin/dead-letters</c>), with the service it sits in.</summary>
public sealed record DeadLetter(
    string Id, string MessageType, DeadLetterError Error, int Attempts, DateTime FailedAt, int ReplayCount,
    string? CorrelationId, string? Source, bool ReplayRequested)
{
    /// <summary>The service whose dead-letter storage holds it (set by <see cref="DeadLetterTable.Rows"/>, not sent by the service).</summary>
    public string Service { get; init; } = "";

    /// <summary>The message type without its namespace (<c>Agora.Contracts.OrderConfirmed</c> → <c>OrderConfirmed</c>).</summary>
    public string ShortType => MessageType[(MessageType.LastIndexOf('.') + 1)..];
}

/// <summary>One dead letter with its message body.</summary>
public sealed record DeadLetterDetail(
    string Id, string MessageId, string MessageType, DeadLetterError Error, int Attempts, DateTime FailedAt, DateTime FirstFailedAt,
    int ReplayCount, DateTime? LastReplayedAt, string? CorrelationId, string? Source, string? Destination, DateTime SentAt,
    bool ReplayRequested, JsonElement? Message, string? ContentType)
{
    /// <summary>The body, indented for reading, or null when the service could not read it as JSON.</summary>
    public string? IndentedMessage => Message is { } body ? JsonSerializer.Serialize(body, Indented) : null;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}

/// <summary>What one service answered for its dead letters: the list, or why it could not be read.</summary>
public sealed record ServiceDeadLetters(string Service, IReadOnlyList<DeadLetter> Items, long Total, StaffError? Error);

/// <summary>An answer the console could not use: the HTTP status, the API's error code and message.</summary>
public sealed record StaffError(int Status, string Code, string Message);

/// <summary>A value or the error that stood in its way.</summary>
public sealed record StaffResult<T>(T? Value, StaffError? Error);

/// <summary>An order as Ordering's staff lists show it (<c>/api/v1/admin/sagas</c>, <c>/api/v1/orders</c>).</summary>
public sealed record SagaRow(
    string Id, string CustomerId, string Status, string SagaState, Shop.Money Total, int ItemCount, DateTimeOffset PlacedAt, DateTimeOffset UpdatedAt);

/// <summary>One of the console's order views: its rows (or why there are none) and how many Ordering holds in all.</summary>
public sealed record SagaView(IReadOnlyList<SagaRow> Rows, long Total, StaffError? Error);
