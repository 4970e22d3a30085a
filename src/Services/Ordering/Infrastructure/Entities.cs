namespace Agora.Ordering.Infrastructure;

/// <summary>One stored event: its stream (the order), its version in the stream and its place in the global log.</summary>
public sealed class StoredEvent
{
    /// <summary>Global position: ascending in commit order of the inserting transactions on one writer.</summary>
    public long Position { get; init; }
    public required string StreamId { get; init; }
    public int Version { get; init; }
    public required string Type { get; init; }
    public required string Data { get; init; }
    public DateTime OccurredAt { get; init; }
    public string? CorrelationId { get; init; }
}

/// <summary>Read model: one row per order for lists (per customer, by status, by saga step).</summary>
public sealed class OrderSummary
{
    public required string OrderId { get; init; }
    public required string CustomerId { get; set; }
    public required string Status { get; set; }
    public required string SagaStep { get; set; }
    public long TotalMinor { get; set; }
    public required string Currency { get; set; }
    public int ItemCount { get; set; }
    public DateTime PlacedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>Read model: the order detail view as one JSON document, ready to serve.</summary>
public sealed class OrderDetail
{
    public required string OrderId { get; init; }
    public required string CustomerId { get; set; }
    public required string Document { get; set; }
    public int Version { get; set; }
}

/// <summary>An <c>Idempotency-Key</c> a customer used to place an order, with a hash of the request it came with.</summary>
public sealed class IdempotencyKey
{
    public required string CustomerId { get; init; }
    public required string Key { get; init; }
    public required string RequestHash { get; init; }
    public required string OrderId { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>
/// The saga's timer of one order: when its current step (and attempt) has waited long enough for its answer. One row
/// per order that is not at an end, written in the same transaction as the events that started the step, overwritten
/// by the next step, deleted when the order ends; <c>SagaDeadlinePoller</c> fires the due ones.
/// </summary>
public sealed class SagaDeadline
{
    public required string OrderId { get; init; }
    public required string Step { get; set; }
    public int Attempt { get; set; }
    public DateTime DueAt { get; set; }
}
