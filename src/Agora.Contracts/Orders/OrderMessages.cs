using Agora.Contracts.Events;

namespace Agora.Contracts.Orders;

// The messages of the order saga (docs/architecture.md §4, §5, guide §8). Ordering orchestrates: it sends commands to
// Catalog, Payment and Shipping, and they answer with events addressed back to Ordering. Every command is idempotent
// by OrderId at its receiver: receiving it again (a saga step retried after a timeout, a redelivery) changes nothing
// and publishes the current outcome again, so the saga always gets its answer. Routing: ServiceTopology.Subscriptions.
// Amounts are decimals in the currency's major unit (50000 KRW, 12.34 USD), never floats.

/// <summary>A command: an instruction to exactly one service. Receivers deduplicate on <see cref="IAgoraCommand.CommandId"/> and on their natural key.</summary>
public interface IAgoraCommand
{
    /// <summary>Unique per sending (a retried step sends a new id; receivers also deduplicate on OrderId).</summary>
    Guid CommandId { get; }

    /// <summary>When it was sent.</summary>
    DateTimeOffset SentAt { get; }
}

/// <summary>Who placed an order, as the order recorded it (a snapshot; Notification writes to this address in this locale).</summary>
public sealed record CustomerContact(string CustomerId, string Email, string Name, string Locale);

/// <summary>Where an order goes. <paramref name="Country"/> is ISO 3166-1 alpha-2 (KR, US).</summary>
public sealed record ShippingAddress(
    string Recipient, string Phone, string Line1, string? Line2, string City, string PostalCode, string Country);

/// <summary>One line of an order, priced by Catalog when the order was placed.</summary>
public sealed record OrderLine(string ProductId, string Sku, string Name, int Quantity, decimal UnitPrice, string Currency);

/// <summary>A product and a quantity (stock and shipment lines).</summary>
public sealed record ItemQuantity(string ProductId, int Quantity);

// ---- Stock: Ordering → Catalog, answers Catalog → Ordering. Catalog's reservation id is the order id. ----

/// <summary>Reserve every line or none, held for <paramref name="Hold"/> (then it expires and the stock returns).</summary>
public sealed record ReserveStockForOrder(Guid CommandId, DateTimeOffset SentAt, string OrderId, IReadOnlyList<ItemQuantity> Lines, TimeSpan Hold) : IAgoraCommand;

/// <summary>Return a reservation's stock (compensation). Releasing an unknown, released or expired reservation is a no-op that still answers.</summary>
public sealed record ReleaseStockForOrder(Guid CommandId, DateTimeOffset SentAt, string OrderId, string Reason) : IAgoraCommand;

/// <summary>The order is confirmed: the reserved units are sold.</summary>
public sealed record CommitStockForOrder(Guid CommandId, DateTimeOffset SentAt, string OrderId) : IAgoraCommand;

/// <summary>All lines are reserved until <paramref name="ExpiresAt"/>.</summary>
public sealed record StockReservedForOrder(Guid EventId, DateTimeOffset OccurredAt, string OrderId, DateTimeOffset ExpiresAt) : IIntegrationEvent;

/// <summary>Nothing was reserved: <paramref name="Problems"/> names each product short of stock or unknown.</summary>
public sealed record StockReservationRejected(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string Reason, IReadOnlyList<string> Problems) : IIntegrationEvent;

/// <summary>The reservation's stock is available again (or there was nothing to release).</summary>
public sealed record StockReleasedForOrder(Guid EventId, DateTimeOffset OccurredAt, string OrderId) : IIntegrationEvent;

/// <summary>The reservation became a sale.</summary>
public sealed record StockCommittedForOrder(Guid EventId, DateTimeOffset OccurredAt, string OrderId) : IIntegrationEvent;

// ---- Payment: Ordering → Payment, answers Payment → Ordering. One payment per order; PaymentId is Payment's (pay_…). ----

/// <summary>Authorize (hold) the order's total with the PSP. Idempotent by OrderId: one payment, one PSP authorization, ever.</summary>
public sealed record AuthorizePayment(Guid CommandId, DateTimeOffset SentAt, string OrderId, string CustomerId, decimal Amount, string Currency) : IAgoraCommand;

/// <summary>Capture the authorized amount.</summary>
public sealed record CapturePayment(Guid CommandId, DateTimeOffset SentAt, string OrderId) : IAgoraCommand;

/// <summary>Release an authorization that was not captured (compensation before capture).</summary>
public sealed record VoidPayment(Guid CommandId, DateTimeOffset SentAt, string OrderId, string Reason) : IAgoraCommand;

/// <summary>Give captured money back (compensation after capture, or a cancellation of a paid order).</summary>
public sealed record RefundPayment(Guid CommandId, DateTimeOffset SentAt, string OrderId, decimal Amount, string Currency, string Reason) : IAgoraCommand;

/// <summary>The PSP holds the amount for this order.</summary>
public sealed record PaymentAuthorized(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string PaymentId, decimal Amount, string Currency, string PspReference) : IIntegrationEvent;

/// <summary>The PSP refused (card declined, fraud, limit): final, the saga compensates.</summary>
public sealed record PaymentDeclined(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string PaymentId, string Reason) : IIntegrationEvent;

/// <summary>
/// The PSP cannot be reached (outage, breaker open): the payment is kept and retried by Payment until the PSP answers;
/// the order shows <c>payment_pending</c> meanwhile (guide §10.4). Not a failure: the saga waits.
/// </summary>
public sealed record PaymentPending(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string PaymentId, string Reason) : IIntegrationEvent;

/// <summary>The authorized amount was captured (money taken).</summary>
public sealed record PaymentCaptured(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string PaymentId, decimal Amount, string Currency) : IIntegrationEvent;

/// <summary>Capture was refused by the PSP (for example the authorization expired): the saga compensates.</summary>
public sealed record PaymentCaptureFailed(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string PaymentId, string Reason) : IIntegrationEvent;

/// <summary>The authorization was released (or there was none to release: <paramref name="PaymentId"/> may be empty).</summary>
public sealed record PaymentVoided(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string PaymentId) : IIntegrationEvent;

/// <summary>Money went back to the customer.</summary>
public sealed record PaymentRefunded(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string PaymentId, decimal Amount, string Currency) : IIntegrationEvent;

// ---- Shipping: Ordering → Shipping, answers and tracking Shipping → Ordering. One shipment per order. ----

/// <summary>Book a shipment with a carrier. Idempotent by OrderId.</summary>
public sealed record CreateShipment(Guid CommandId, DateTimeOffset SentAt, string OrderId, string CustomerId, ShippingAddress Address, IReadOnlyList<ItemQuantity> Items) : IAgoraCommand;

/// <summary>Cancel a shipment that has not been dispatched (compensation). Unknown order: a no-op that still answers.</summary>
public sealed record CancelShipment(Guid CommandId, DateTimeOffset SentAt, string OrderId, string Reason) : IAgoraCommand;

/// <summary>A carrier accepted the shipment: tracking number in the seed's style (<c>KR123456789</c>).</summary>
public sealed record ShipmentCreated(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string ShipmentId, string Carrier, string TrackingNumber) : IIntegrationEvent;

/// <summary>No carrier would take it (address not serviceable, carrier refused): the saga compensates.</summary>
public sealed record ShipmentFailed(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string Reason) : IIntegrationEvent;

/// <summary>The shipment was cancelled before dispatch (or there was none).</summary>
public sealed record ShipmentCancelled(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string ShipmentId) : IIntegrationEvent;

/// <summary>The carrier picked the parcel up.</summary>
public sealed record ShipmentDispatched(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string ShipmentId, string Carrier, string TrackingNumber) : IIntegrationEvent;

/// <summary>The parcel is moving between hubs.</summary>
public sealed record ShipmentInTransit(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string ShipmentId, string Location) : IIntegrationEvent;

/// <summary>The parcel reached the recipient.</summary>
public sealed record ShipmentDelivered(Guid EventId, DateTimeOffset OccurredAt, string OrderId, string ShipmentId) : IIntegrationEvent;

// ---- Ordering's own integration events (choreography: Notification, Search, anyone). ----

/// <summary>A customer placed an order (accepted, not yet paid).</summary>
public sealed record OrderPlaced(Guid EventId, DateTimeOffset OccurredAt, string OrderId, CustomerContact Customer, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency) : IIntegrationEvent;

/// <summary>Stock sold, payment captured, shipment booked: the order is confirmed.</summary>
public sealed record OrderConfirmed(Guid EventId, DateTimeOffset OccurredAt, string OrderId, CustomerContact Customer, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency) : IIntegrationEvent;

/// <summary>The order was cancelled (by the customer, or by the saga after a failure) with everything compensated.</summary>
public sealed record OrderCancelled(Guid EventId, DateTimeOffset OccurredAt, string OrderId, CustomerContact Customer, string Reason) : IIntegrationEvent;

/// <summary>Payment for the order failed for good (declined); an <see cref="OrderCancelled"/> follows.</summary>
public sealed record OrderPaymentFailed(Guid EventId, DateTimeOffset OccurredAt, string OrderId, CustomerContact Customer, decimal Total, string Currency, string Reason) : IIntegrationEvent;

/// <summary>The parcel left the warehouse.</summary>
public sealed record OrderShipped(Guid EventId, DateTimeOffset OccurredAt, string OrderId, CustomerContact Customer, string Carrier, string TrackingNumber) : IIntegrationEvent;

/// <summary>The parcel arrived.</summary>
public sealed record OrderDelivered(Guid EventId, DateTimeOffset OccurredAt, string OrderId, CustomerContact Customer) : IIntegrationEvent;
