using Agora.Http;
using Agora.Contracts.Orders;
using Agora.Payment.Infrastructure;
using Agora.Primitives;

namespace Agora.Payment.Features.Payments;

/// <summary>The answers Payment sends Ordering (contracts in <c>OrderMessages.cs</c>), built from a payment's state.</summary>
public static class PaymentEvents
{
    /// <summary>A placeholder answers with an empty payment id: there is no payment.</summary>
    private static string IdOf(PaymentRecord p) => p.Placeholder ? "" : p.Id;

    private static decimal Major(long minor, string currency) => currency.Length == 0 ? 0 : Currencies.ToDecimal(minor, currency);

    public static PaymentAuthorized Authorized(PaymentRecord p, DateTimeOffset at) =>
        new(Guid.CreateVersion7(), at, p.OrderId, p.Id, Major(p.AmountMinor, p.Currency), p.Currency, p.PspReference ?? "");

    public static PaymentDeclined Declined(PaymentRecord p, DateTimeOffset at) =>
        new(Guid.CreateVersion7(), at, p.OrderId, p.Id, p.FailureReason ?? "declined");

    public static PaymentPending Pending(PaymentRecord p, DateTimeOffset at, string reason) =>
        new(Guid.CreateVersion7(), at, p.OrderId, p.Id, reason);

    public static PaymentCaptured Captured(PaymentRecord p, DateTimeOffset at) =>
        new(Guid.CreateVersion7(), at, p.OrderId, p.Id, Major(p.CapturedMinor, p.Currency), p.Currency);

    public static PaymentCaptureFailed CaptureFailed(PaymentRecord p, DateTimeOffset at, string? reason = null) =>
        new(Guid.CreateVersion7(), at, p.OrderId, p.Id, reason ?? p.FailureReason ?? "capture failed");

    public static PaymentVoided Voided(PaymentRecord p, DateTimeOffset at) => new(Guid.CreateVersion7(), at, p.OrderId, IdOf(p));

    public static PaymentRefunded Refunded(PaymentRecord p, DateTimeOffset at) =>
        new(Guid.CreateVersion7(), at, p.OrderId, IdOf(p), Major(p.RefundedMinor, p.Currency), p.Currency);

    /// <summary>
    /// What a repeated <see cref="AuthorizePayment"/> is answered: the payment's outcome so far. Null while the first
    /// attempt is still on its way to the provider: its own answer follows, and a PaymentPending now would be false.
    /// </summary>
    public static object? ForAuthorize(PaymentRecord p, DateTimeOffset at) => p.Status switch
    {
        PaymentStatus.Pending => p.PendingNotified ? Pending(p, at, p.Operation(OperationKind.Authorize)?.LastError ?? "provider unavailable") : null,
        PaymentStatus.Declined => Declined(p, at),
        PaymentStatus.Voided => Voided(p, at),
        _ => Authorized(p, at),
    };
}
