using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Agora.Http;
using Agora.Payment.Infrastructure;
using Agora.Primitives;

namespace Agora.Payment.Features.Payments;

/// <summary>A payment as the REST API shows it.</summary>
public sealed record PaymentDto(
    [property: MaxLength(40), RegularExpression("^pay_[A-Za-z0-9]+$")] string Id,
    [property: MaxLength(100)] string OrderId,
    [property: MaxLength(100)] string CustomerId,
    MoneyDto Amount,
    [property: ApiEnum(typeof(PaymentStatus)), Description("pending, authorized, declined, captured, capture_failed, voided or refunded")] string Status,
    [property: MaxLength(100)] string? PspReference,
    MoneyDto Captured,
    MoneyDto Refunded,
    [property: MaxLength(500)] string? FailureReason,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), MaxLength(PaymentDto.MaxOperations)] IReadOnlyList<PaymentOperationDto>? Operations)
{
    /// <summary>A payment has at most one operation of each kind (a unique index on payment and kind).</summary>
    public const int MaxOperations = 4;

    public static PaymentDto From(PaymentRecord p, bool withOperations) => new(
        p.Id, p.OrderId, p.CustomerId,
        Currencies.Format(p.AmountMinor, p.Currency),
        Names.Of(p.Status),
        p.PspReference,
        Currencies.Format(p.CapturedMinor, p.Currency),
        Currencies.Format(p.RefundedMinor, p.Currency),
        p.FailureReason,
        p.CreatedAt,
        p.UpdatedAt,
        withOperations ? p.Operations.OrderBy(o => o.CreatedAt).ThenBy(o => o.Id, StringComparer.Ordinal).Select(o => PaymentOperationDto.From(o, p.Currency)).ToList() : null);
}

/// <summary>One call to the provider made for the payment: what, how it ended, how many attempts it took.</summary>
public sealed record PaymentOperationDto(
    [property: ApiEnum(typeof(OperationKind)), Description("authorize, capture, void or refund")] string Kind,
    [property: ApiEnum(typeof(OperationStatus)), Description("pending, succeeded, failed or cancelled")] string Status,
    MoneyDto Amount,
    int Attempts,
    [property: MaxLength(500)] string? LastError,
    [property: MaxLength(100)] string? PspReference,
    DateTime CreatedAt,
    DateTime? CompletedAt)
{
    public static PaymentOperationDto From(PaymentOperation o, string currency) => new(
        Names.Of(o.Kind), Names.Of(o.Status), Currencies.Format(o.AmountMinor, currency), o.Attempts, o.LastError, o.PspReference, o.CreatedAt, o.CompletedAt);
}
