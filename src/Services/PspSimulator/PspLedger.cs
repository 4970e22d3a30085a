using System.Globalization;

namespace Agora.PspSimulator;

/// <summary>An authorization (a hold on the customer's card), Stripe-like.</summary>
public sealed class Authorization
{
    public required string Id { get; init; }
    public required decimal Amount { get; init; }
    public required string Currency { get; init; }
    public required string Reference { get; init; }
    public required string Customer { get; init; }
    public required DateTimeOffset Created { get; init; }

    /// <summary><c>authorized</c>, <c>captured</c>, <c>voided</c> or <c>expired</c>.</summary>
    public string Status { get; set; } = "authorized";

    public decimal AmountCaptured { get; set; }
    public decimal AmountRefunded { get; set; }
}

/// <summary>Money given back on a captured authorization.</summary>
public sealed record Refund(string Id, string AuthorizationId, decimal Amount, string Currency, DateTimeOffset Created);

/// <summary>An answer of the API: status code and JSON body.</summary>
public sealed record PspReply(int Status, object Body, bool Replayed = false);

/// <summary>
/// The provider's books, kept in memory and on disk (<see cref="PspJournal"/>): a restart remembers every hold and key,
/// as a real provider does. One lock serialises every change, so two requests with one idempotency key can never both
/// act: the second sees the first's stored answer. Every change is journaled before its answer leaves.
/// </summary>
public sealed class PspLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Authorization> _authorizations = new(StringComparer.Ordinal);
    private readonly List<Refund> _refunds = [];
    private readonly Dictionary<string, (string Fingerprint, PspReply Reply)> _keys = new(StringComparer.Ordinal);
    private readonly List<JournalEntry> _changes = [];
    private readonly PspControl _control;
    private readonly TimeProvider _clock;
    private readonly PspJournal _journal;

    public PspLedger(PspControl control, TimeProvider clock, PspJournal journal)
    {
        _control = control;
        _clock = clock;
        _journal = journal;
        foreach (var entry in journal.Entries)
        {
            if (entry.Authorization is { } a)
            {
                _authorizations[a.Id] = a;
            }

            if (entry.Refund is { } r)
            {
                _refunds.Add(r);
            }

            if (entry is { Key: { } key, Fingerprint: { } fingerprint, Status: { } status, Body: { } body })
            {
                _keys[key] = (fingerprint, new PspReply(status, body));
            }
        }
    }

    /// <summary>Writes what the last action changed (under the lock), then forgets the list.</summary>
    private void Journal(JournalEntry? key = null)
    {
        foreach (var change in _changes)
        {
            _journal.Append(change);
        }

        _changes.Clear();
        if (key is not null)
        {
            _journal.Append(key);
        }
    }

    private void Changed(Authorization a) => _changes.Add(new JournalEntry(Authorization: a));

    /// <summary>
    /// Runs <paramref name="action"/> once per idempotency key: the same key with the same request replays the stored
    /// answer (success or refusal alike); the same key with another request is 422 and changes nothing.
    /// </summary>
    public PspReply Idempotent(string key, string fingerprint, Func<PspReply> action)
    {
        lock (_lock)
        {
            if (_keys.TryGetValue(key, out var stored))
            {
                return stored.Fingerprint == fingerprint
                    ? stored.Reply with { Replayed = true }
                    : Errors.Of(422, "idempotency_error", "idempotency_key_reused",
                        "This Idempotency-Key was already used with a different request.");
            }

            var reply = action();
            _keys[key] = (fingerprint, reply);
            Journal(new JournalEntry(Key: key, Fingerprint: fingerprint, Status: reply.Status,
                Body: System.Text.Json.JsonSerializer.SerializeToElement(reply.Body, PspJournal.BodyOptions)));
            return reply;
        }
    }

    // The actions below run inside Idempotent, under the lock.

    public PspReply Authorize(decimal amount, string currency, string reference, string customer)
    {
        if (_control.Declines(customer))
        {
            return Errors.Of(402, "card_error", "card_declined", "Your card was declined.");
        }

        var authorization = new Authorization
        {
            Id = "auth_" + Guid.CreateVersion7().ToString("N"),
            Amount = amount,
            Currency = currency,
            Reference = reference,
            Customer = customer,
            Created = _clock.GetUtcNow(),
        };
        _authorizations.Add(authorization.Id, authorization);
        Changed(authorization);
        return new PspReply(201, View(authorization));
    }

    public PspReply Capture(string id)
    {
        if (!_authorizations.TryGetValue(id, out var a))
        {
            return NoSuchAuthorization(id);
        }

        switch (a.Status)
        {
            case "authorized":
                a.Status = "captured";
                a.AmountCaptured = a.Amount;
                Changed(a);
                return new PspReply(200, View(a));
            case "captured":
                return new PspReply(200, View(a));
            default:
                return Errors.Of(409, "invalid_request_error", "authorization_" + a.Status, $"The authorization is {a.Status} and cannot be captured.");
        }
    }

    public PspReply Void(string id)
    {
        if (!_authorizations.TryGetValue(id, out var a))
        {
            return NoSuchAuthorization(id);
        }

        switch (a.Status)
        {
            case "authorized":
                a.Status = "voided";
                Changed(a);
                return new PspReply(200, View(a));
            case "voided":
                return new PspReply(200, View(a));
            default:
                return Errors.Of(409, "invalid_request_error", "authorization_" + a.Status, $"The authorization is {a.Status} and cannot be voided.");
        }
    }

    public PspReply Refund(string authorizationId, decimal? amount)
    {
        if (!_authorizations.TryGetValue(authorizationId, out var a))
        {
            return NoSuchAuthorization(authorizationId);
        }

        if (a.Status != "captured")
        {
            return Errors.Of(409, "invalid_request_error", "authorization_not_captured", $"The authorization is {a.Status}; only captured money can be refunded.");
        }

        var value = amount ?? a.AmountCaptured - a.AmountRefunded;
        if (value <= 0 || value > a.AmountCaptured - a.AmountRefunded)
        {
            return Errors.Of(400, "invalid_request_error", "amount_too_large",
                $"Refund amount must be positive and at most {Format(a.AmountCaptured - a.AmountRefunded)}.");
        }

        var refund = new Refund("re_" + Guid.CreateVersion7().ToString("N"), a.Id, value, a.Currency, _clock.GetUtcNow());
        _refunds.Add(refund);
        a.AmountRefunded += value;
        _changes.Add(new JournalEntry(Refund: refund));
        Changed(a);
        return new PspReply(201, View(refund));
    }

    /// <summary>Lets an authorization lapse, as a real one does after some days: capturing it then fails.</summary>
    public PspReply Expire(string id)
    {
        lock (_lock)
        {
            if (!_authorizations.TryGetValue(id, out var a))
            {
                return NoSuchAuthorization(id);
            }

            if (a.Status == "authorized")
            {
                a.Status = "expired";
                Changed(a);
                Journal();
            }

            return new PspReply(200, View(a));
        }
    }

    public PspReply Get(string id)
    {
        lock (_lock)
        {
            return _authorizations.TryGetValue(id, out var a) ? new PspReply(200, View(a)) : NoSuchAuthorization(id);
        }
    }

    public PspReply List(string? reference, string? customer)
    {
        lock (_lock)
        {
            var items = _authorizations.Values
                .Where(a => (reference is null || a.Reference == reference) && (customer is null || a.Customer == customer))
                .OrderBy(a => a.Created).ThenBy(a => a.Id, StringComparer.Ordinal)
                .Select(View)
                .ToList();
            return new PspReply(200, new { Object = "list", Data = items });
        }
    }

    public PspReply ListRefunds(string? authorizationId)
    {
        lock (_lock)
        {
            var items = _refunds.Where(r => authorizationId is null || r.AuthorizationId == authorizationId).Select(View).ToList();
            return new PspReply(200, new { Object = "list", Data = items });
        }
    }

    public (int Authorizations, int Refunds, int IdempotencyKeys) Counts()
    {
        lock (_lock)
        {
            return (_authorizations.Count, _refunds.Count, _keys.Count);
        }
    }

    private static PspReply NoSuchAuthorization(string id) =>
        Errors.Of(404, "invalid_request_error", "resource_missing", $"No such authorization: '{(id.Length > 64 ? id[..64] : id)}'.");

    public static string Format(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    private static object View(Authorization a) => new
    {
        a.Id,
        Object = "authorization",
        a.Status,
        Amount = Format(a.Amount),
        a.Currency,
        a.Reference,
        a.Customer,
        AmountCaptured = Format(a.AmountCaptured),
        AmountRefunded = Format(a.AmountRefunded),
        Created = a.Created.ToUnixTimeSeconds(),
    };

    private static object View(Refund r) => new
    {
        r.Id,
        Object = "refund",
        Status = "succeeded",
        r.AuthorizationId,
        Amount = Format(r.Amount),
        r.Currency,
        Created = r.Created.ToUnixTimeSeconds(),
    };
}

/// <summary>Stripe-shaped errors: <c>{"error": {"type", "code", "message"}}</c>.</summary>
public static class Errors
{
    public static PspReply Of(int status, string type, string code, string message) =>
        new(status, new { Error = new { Type = type, Code = code, Message = message } });
}
