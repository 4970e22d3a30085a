using System.Text.Json.Serialization;
using Agora.Ordering.Domain;

namespace Agora.Ordering.Infrastructure;

/// <summary>An event as stored: where it sits in its stream and in the global log.</summary>
public sealed record RecordedEvent(long Position, string StreamId, int Version, string Type, IOrderEvent Event, DateTimeOffset OccurredAt);

/// <summary>Another writer appended to the stream first; reload and decide again.</summary>
public sealed class StreamConcurrencyException(string streamId, int expectedVersion)
    : Exception($"Stream '{streamId}' moved past version {expectedVersion} while this change was being made.")
{
    public string StreamId { get; } = streamId;
    public int ExpectedVersion { get; } = expectedVersion;
}

/// <summary>
/// The event store, and nothing else: append to a stream at an expected version (a unique index on stream + version
/// turns a lost race into <see cref="StreamConcurrencyException"/> at commit, never a silent merge), read a stream
/// (optionally only up to a version or a time), read everything from a global position. It adds rows to the caller's
/// <see cref="OrderingDbContext"/>, so the events commit in the caller's transaction together with the read models
/// and the outgoing messages (Wolverine's outbox).
/// </summary>
public sealed class EventStore(OrderingDbContext db)
{
    /// <summary>How events are written: snake_case, enums as strings, nothing indented.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Adds <paramref name="events"/> after <paramref name="expectedVersion"/> (0 for a new stream). Commit with SaveChanges.</summary>
    public void Append(string streamId, int expectedVersion, IEnumerable<IOrderEvent> events, string? correlationId)
    {
        var version = expectedVersion;
        foreach (var e in events)
        {
            db.Events.Add(new StoredEvent
            {
                StreamId = streamId,
                Version = ++version,
                Type = OrderEventTypes.NameOf(e),
                Data = JsonSerializer.Serialize(e, e.GetType(), Json),
                OccurredAt = e.At.UtcDateTime,
                CorrelationId = correlationId,
            });
        }
    }

    /// <summary>A stream in version order: all of it, or up to <paramref name="toVersion"/> / <paramref name="asOf"/>.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(
        string streamId, int? toVersion = null, DateTimeOffset? asOf = null, CancellationToken ct = default)
    {
        var query = db.Events.AsNoTracking().Where(e => e.StreamId == streamId);
        if (toVersion is { } v)
        {
            query = query.Where(e => e.Version <= v);
        }

        if (asOf is { } t)
        {
            var at = t.UtcDateTime;
            query = query.Where(e => e.OccurredAt <= at);
        }

        var rows = await query.OrderBy(e => e.Version).ToListAsync(ct);
        return rows.Select(ToRecorded).ToList();
    }

    /// <summary>Every event after <paramref name="afterPosition"/>, in global order, a page at a time.</summary>
    public async IAsyncEnumerable<RecordedEvent> ReadAllAsync(
        long afterPosition = 0, int pageSize = 500, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        while (true)
        {
            var position = afterPosition;
            var page = await db.Events.AsNoTracking().Where(e => e.Position > position).OrderBy(e => e.Position).Take(pageSize).ToListAsync(ct);
            foreach (var row in page)
            {
                yield return ToRecorded(row);
            }

            if (page.Count < pageSize)
            {
                yield break;
            }

            afterPosition = page[^1].Position;
        }
    }

    private static RecordedEvent ToRecorded(StoredEvent row) =>
        new(row.Position, row.StreamId, row.Version, row.Type,
            (IOrderEvent)JsonSerializer.Deserialize(row.Data, OrderEventTypes.TypeOf(row.Type), Json)!,
            new DateTimeOffset(DateTime.SpecifyKind(row.OccurredAt, DateTimeKind.Utc)));
}
