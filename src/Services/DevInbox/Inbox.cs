using System.Text.Json.Nodes;

namespace Agora.DevInbox;

/// <summary>One caught message: an email received over SMTP, or an SMS or push the shop posted to a webhook.</summary>
/// <param name="Id">Sequential id (<c>1</c>, <c>2</c>, …) in arrival order.</param>
/// <param name="Channel"><c>email</c>, <c>sms</c> or <c>push</c>.</param>
/// <param name="ReceivedAt">When the inbox caught it.</param>
/// <param name="From">Email: the envelope sender, if any.</param>
/// <param name="To">Email: the envelope recipients; SMS and push: the customer id from the payload.</param>
/// <param name="Subject">Email subject or push title.</param>
/// <param name="Text">The plain-text body (email: the text part, else the HTML part's text).</param>
/// <param name="Html">Email: the HTML part, if any.</param>
/// <param name="Payload">SMS and push: the JSON body as posted.</param>
/// <param name="IdempotencyKey">SMS and push: the request's <c>Idempotency-Key</c>; a repeat is answered, not stored again.</param>
public sealed record CaughtMessage(
    long Id, string Channel, DateTimeOffset ReceivedAt, string? From, IReadOnlyList<string> To, string? Subject, string? Text, string? Html,
    JsonNode? Payload, string? IdempotencyKey);

/// <summary>
/// The caught messages, newest last, at most <see cref="DevInboxOptions.Capacity"/>; and the switch that makes the
/// inbox refuse everything for now (SMTP <c>451</c>, webhooks <c>503</c>), which is how tests and demos take the
/// providers down without stopping the process.
/// </summary>
public sealed class Inbox(Microsoft.Extensions.Options.IOptions<DevInboxOptions> options, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<CaughtMessage> _messages = new();
    private long _next;

    /// <summary>While true, every delivery is refused as a temporary failure.</summary>
    public bool Refusing { get; set; }

    /// <summary>Stores a message (assigning its id and time) unless a message with the same idempotency key is already here.</summary>
    public (CaughtMessage Message, bool Replayed) Add(Func<long, DateTimeOffset, CaughtMessage> create, string? idempotencyKey = null)
    {
        lock (_lock)
        {
            if (idempotencyKey is not null && _messages.FirstOrDefault(m => m.IdempotencyKey == idempotencyKey) is { } seen)
            {
                return (seen, true);
            }

            var message = create(++_next, clock.GetUtcNow());
            _messages.AddLast(message);
            while (_messages.Count > options.Value.Capacity)
            {
                _messages.RemoveFirst();
            }

            return (message, false);
        }
    }

    /// <summary>The messages that match, newest first.</summary>
    public IReadOnlyList<CaughtMessage> Find(string? channel, string? to, int limit)
    {
        lock (_lock)
        {
            return _messages.Reverse()
                .Where(m => channel is null || string.Equals(m.Channel, channel, StringComparison.OrdinalIgnoreCase))
                .Where(m => to is null || m.To.Any(t => string.Equals(t, to, StringComparison.OrdinalIgnoreCase)))
                .Take(limit)
                .ToList();
        }
    }

    /// <summary>One message by id.</summary>
    public CaughtMessage? Get(long id)
    {
        lock (_lock)
        {
            return _messages.FirstOrDefault(m => m.Id == id);
        }
    }

    /// <summary>Forgets every message; returns how many there were.</summary>
    public int Clear()
    {
        lock (_lock)
        {
            var count = _messages.Count;
            _messages.Clear();
            return count;
        }
    }
}
