namespace Agora.Payment.Infrastructure;

/// <summary>Where a payment stands.</summary>
public enum PaymentStatus
{
    /// <summary>Created; the provider has not answered the authorization yet (it may be down: Payment keeps trying).</summary>
    Pending,

    /// <summary>The provider holds the amount.</summary>
    Authorized,

    /// <summary>The provider refused the card. Final.</summary>
    Declined,

    /// <summary>The money was taken.</summary>
    Captured,

    /// <summary>The provider refused the capture (for example the authorization had lapsed).</summary>
    CaptureFailed,

    /// <summary>Released before capture, or cancelled while pending.</summary>
    Voided,

    /// <summary>Captured money went back to the customer.</summary>
    Refunded,
}

/// <summary>A call Payment makes to the provider for a payment; at most one of each kind per payment.</summary>
public enum OperationKind
{
    Authorize,
    Capture,
    Void,
    Refund,
}

public enum OperationStatus
{
    /// <summary>Not answered by the provider yet; a durable attempt is scheduled.</summary>
    Pending,

    Succeeded,

    /// <summary>The provider refused it (a decline, a lapsed authorization).</summary>
    Failed,

    /// <summary>No longer wanted (an authorization still pending when the order's void arrived).</summary>
    Cancelled,
}

/// <summary>
/// The payment of one order (the order id is unique). Amounts are integers in the currency's minor unit.
/// <see cref="Version"/> is the concurrency token: every change bumps it, so an answer from the provider is applied to
/// the payment as it is now, never to a copy read before a void or another attempt changed it.
/// </summary>
public sealed class PaymentRecord
{
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public required string CustomerId { get; init; }
    public long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public PaymentStatus Status { get; set; }

    /// <summary>The provider's authorization id (<c>auth_…</c>), once known.</summary>
    public string? PspReference { get; set; }

    public long CapturedMinor { get; set; }
    public long RefundedMinor { get; set; }
    public string? FailureReason { get; set; }

    /// <summary>
    /// A marker, not a payment: the order was voided (or refunded) before any payment existed, because the saga's
    /// compensation overtook its own authorize. It holds the order id, so the late authorize finds it and is refused
    /// instead of holding the customer's money for a cancelled order. No amount, no provider call, never listed.
    /// </summary>
    public bool Placeholder { get; init; }

    /// <summary><c>PaymentPending</c> was published (once per payment, however long the outage lasts).</summary>
    public bool PendingNotified { get; set; }

    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; } = 1;

    public List<PaymentOperation> Operations { get; init; } = [];

    public PaymentOperation? Operation(OperationKind kind) => Operations.FirstOrDefault(o => o.Kind == kind);

    /// <summary>Marks a change: a new version for the concurrency check.</summary>
    public void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>
/// One call to the provider. <see cref="IdempotencyKey"/> is derived from the payment id and the kind, so every
/// attempt (a retry after a timeout, a redelivered message, the attempt after a crash) sends the same key and the
/// provider does the operation at most once.
/// </summary>
public sealed class PaymentOperation
{
    public required string Id { get; init; }
    public required string PaymentId { get; init; }
    public OperationKind Kind { get; init; }
    public OperationStatus Status { get; set; }
    public required string IdempotencyKey { get; init; }
    public long AmountMinor { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }

    /// <summary>What the provider calls the result (authorization or refund id).</summary>
    public string? PspReference { get; set; }

    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    public static string KeyFor(string paymentId, OperationKind kind) => $"{paymentId}:{kind.ToString().ToLowerInvariant()}";
}

/// <summary>An idempotency key a gRPC caller sent: the same key again answers the same payment without acting twice.</summary>
public sealed class IdempotencyKeyRecord
{
    /// <summary>Who sent it (the token's subject): keys of different callers never collide.</summary>
    public required string Caller { get; init; }

    public required string Key { get; init; }

    /// <summary>SHA-256 of the method and its arguments: the same key with another request is refused.</summary>
    public required string RequestHash { get; init; }

    public required string PaymentId { get; init; }
    public DateTime CreatedAt { get; init; }
}
