namespace Agora.Bench.Orders;

/// <summary>How an order's saga ended, from its event stream.</summary>
public enum Outcome
{
    /// <summary>Not looked at yet, or the POST failed (no order).</summary>
    Unknown,

    /// <summary>The stream has no terminal event (still running when the drain gave up).</summary>
    NotTerminal,
    Confirmed,
    Cancelled,
    Failed,
}

/// <summary>One order the generator tried to place, and what became of it.</summary>
public sealed class OrderRecord
{
    /// <summary>The run it belongs to (0 = the warm-up, drained before run 1; 1…RUNS).</summary>
    public required int Run { get; init; }

    /// <summary>Whether its send time lies in the run's measured window.</summary>
    public required bool Measured { get; init; }

    public required int Customer { get; init; }

    public required IReadOnlyList<(string ProductId, int Quantity)> Lines { get; init; }

    /// <summary>When the POST was due (open loop: its slot, so a late generator cannot hide latency) or sent (closed loop).</summary>
    public required DateTimeOffset Due { get; init; }

    /// <summary>The open-loop slot found too many POSTs in flight and was skipped (no request made).</summary>
    public bool Skipped { get; set; }

    public DateTimeOffset Sent { get; set; }

    /// <summary>The POST's <c>Idempotency-Key</c>: the same on every retry, and what finds the order when no answer came.</summary>
    public string Key { get; } = Guid.NewGuid().ToString();

    /// <summary>POSTs sent for it (1 + the client's retries with the same key).</summary>
    public int Attempts { get; set; }

    /// <summary>The status of the first POST (the later ones are retries); <see cref="Status"/> is the last one's.</summary>
    public int FirstStatus { get; set; }

    /// <summary>POST round trip, from <see cref="Sent"/>.</summary>
    public double PostMs { get; set; }

    public int Status { get; set; }

    /// <summary>No POST was answered, but the order was found by its key (<c>GET /api/v1/orders?idempotency_key=</c>).</summary>
    public bool ResolvedByKey { get; set; }
    public string? Error { get; set; }
    public string? OrderId { get; set; }

    public IReadOnlyList<OrderEventRow> Events { get; set; } = [];

    /// <summary>The shop gave out this order's id but, asked for its events, says there is no such order.</summary>
    public bool Missing { get; set; }
    public Outcome Outcome { get; set; }

    /// <summary>When Ordering decided the order was confirmed (the <c>order_confirmed</c> event).</summary>
    public DateTimeOffset? ConfirmedAt { get; set; }

    public double? LatencyMs => ConfirmedAt is { } c ? (c - Due).TotalMilliseconds : null;

    public int Retries => Events.Count(e => e.Type == "step_retried");

    /// <summary>Reads the outcome from the stream: a confirmed, cancelled or failed order has said so in its events.</summary>
    public void Classify()
    {
        ConfirmedAt = Events.FirstOrDefault(e => e.Type == "order_confirmed")?.OccurredAt;
        Outcome = ConfirmedAt is not null ? Outcome.Confirmed
            : Events.Any(e => e.Type == "order_cancelled") ? Outcome.Cancelled
            : Events.Any(e => e.Type == "saga_failed") ? Outcome.Failed
            : Outcome.NotTerminal;
    }
}
