using System.ComponentModel.DataAnnotations;
using Agora.Ordering.Domain;

namespace Agora.Ordering.Features.Orders;

/// <summary>The documented lengths of what an order shows (the ones it takes are in <see cref="OrderLimits"/>).</summary>
public static class OrderViewLimits
{
    /// <summary>Ids this service or another issues (<c>ord_</c>, <c>pay_</c>, <c>shp_</c> + 32).</summary>
    public const int Id = 40;

    /// <summary>A customer id: the subject of an Identity user's token.</summary>
    public const int CustomerId = 100;

    /// <summary>A link: a path with an order id or an escaped customer id.</summary>
    public const int Link = 512;

    /// <summary>Why the order was cancelled or failed; longer reasons are cut with an ellipsis.</summary>
    public const int Reason = 1000;
}

/// <summary>A line of the order, priced by Catalog when it was placed (lengths as Catalog enforces them).</summary>
public sealed record OrderItemDto(
    [property: MaxLength(OrderLimits.ProductId)] string ProductId,
    [property: MaxLength(64)] string Sku,
    [property: MaxLength(200)] string Name,
    int Quantity,
    MoneyDto UnitPrice,
    MoneyDto Subtotal);

/// <summary>Where the order goes, as it was given (trimmed).</summary>
public sealed record AddressDto(
    [property: MaxLength(OrderLimits.Recipient)] string Recipient,
    [property: MaxLength(OrderLimits.Phone)] string Phone,
    [property: MaxLength(OrderLimits.Line)] string Line1,
    [property: MaxLength(OrderLimits.Line)] string? Line2,
    [property: MaxLength(OrderLimits.City)] string City,
    [property: MaxLength(OrderLimits.PostalCode)] string PostalCode,
    [property: MaxLength(OrderLimits.Country)] string Country);

/// <summary>The order's payment as the saga knows it (<c>none</c> before one is asked for).</summary>
public sealed record PaymentInfoDto(
    [property: MaxLength(OrderViewLimits.Id)] string? Id,
    [property: ApiEnum("none", "requested", "pending", "authorized", "declined", "captured", "capture_failed", "voided", "refunded")] string Status);

/// <summary>The order's shipment as the saga knows it (<c>none</c> before one is asked for); lengths as Shipping enforces them.</summary>
public sealed record ShipmentInfoDto(
    [property: MaxLength(OrderViewLimits.Id)] string? Id,
    [property: ApiEnum("none", "requested", "created", "failed", "cancelled", "dispatched", "in_transit", "delivered")] string Status,
    [property: MaxLength(100)] string? Carrier,
    [property: MaxLength(20)] string? TrackingNumber);

/// <summary>Where the saga is: the step it waits on (or its end), the attempt, and whether it is turning back.</summary>
public sealed record SagaInfoDto([property: ApiEnum(typeof(SagaStep))] string State, int Attempt, bool Compensating);

public sealed record StatusChangeDto([property: ApiEnum(typeof(OrderStatus))] string Status, DateTimeOffset At);

/// <summary>Links to what can be done next with the order (HATEOAS, guide §1).</summary>
public sealed record OrderLinksDto(
    [property: MaxLength(OrderViewLimits.Link)] string Self,
    [property: MaxLength(OrderViewLimits.Link)] string Events,
    [property: MaxLength(OrderViewLimits.Link)] string? Cancel,
    [property: MaxLength(OrderViewLimits.Link)] string CustomerOrders);

/// <summary>The order detail view: what <c>GET /api/v1/orders/{id}</c> returns.</summary>
public sealed record OrderDto(
    [property: MaxLength(OrderViewLimits.Id)] string Id,
    [property: MaxLength(OrderViewLimits.CustomerId)] string CustomerId,
    [property: ApiEnum(typeof(OrderStatus))] string Status,
    [property: MaxLength(PlaceOrder.MaxItems)] IReadOnlyList<OrderItemDto> Items,
    MoneyDto Total,
    AddressDto ShippingAddress,
    PaymentInfoDto Payment,
    ShipmentInfoDto Shipment,
    SagaInfoDto Saga,
    [property: MaxLength(OrderViewLimits.Reason)] string? Reason,
    DateTimeOffset PlacedAt,
    DateTimeOffset UpdatedAt,
    int Version,
    [property: MaxLength(OrderDto.MaxHistory)] IReadOnlyList<StatusChangeDto> History,
    OrderLinksDto Links,
    [property: MaxLength(OrderDto.MaxFlags), ApiEnum(Flags.PaymentAmountMismatch, Flags.PaymentRefundedUnrequested, Flags.PaymentCapturedLate), System.ComponentModel.Description("What an operator must look at: payment_amount_mismatch, payment_refunded_unrequested, payment_captured_late.")] IReadOnlyList<string>? Flags)
{
    /// <summary>Most flags an order carries: one of each kind.</summary>
    public const int MaxFlags = 3;

    /// <summary>
    /// Most status changes the view shows: the latest ones. An order's status moves a handful of times (at most once per
    /// status it can have), so no order comes near it.
    /// </summary>
    public const int MaxHistory = 50;
}

/// <summary>One row of an order list.</summary>
public sealed record OrderSummaryDto(
    [property: MaxLength(OrderViewLimits.Id)] string Id,
    [property: MaxLength(OrderViewLimits.CustomerId)] string CustomerId,
    [property: ApiEnum(typeof(OrderStatus))] string Status,
    [property: ApiEnum(typeof(SagaStep))] string SagaState,
    MoneyDto Total,
    int ItemCount,
    DateTimeOffset PlacedAt,
    DateTimeOffset UpdatedAt,
    [property: MaxLength(OrderViewLimits.Link)] string Href);

/// <summary>
/// The read side (CQRS): the order detail view and summary row are pure functions of the order's state, written in
/// the same transaction as the events (so they are never behind), and rebuilt from the event log on demand with the
/// same functions (so a rebuild gives the same rows).
/// </summary>
public static class OrderProjection
{
    public static OrderDto View(OrderState o)
    {
        var items = o.Lines.Select(l => new OrderItemDto(l.ProductId, l.Sku, l.Name, l.Quantity,
            Money(l.UnitPrice, l.Currency), Money(l.UnitPrice * l.Quantity, l.Currency))).ToList();
        var a = o.Address;
        return new OrderDto(o.Id, o.Customer.CustomerId, o.Status.Wire(), items, Money(o.Total, o.Currency),
            new AddressDto(a.Recipient, a.Phone, a.Line1, a.Line2, a.City, a.PostalCode, a.Country),
            new PaymentInfoDto(o.PaymentId, o.PaymentStatus),
            new ShipmentInfoDto(o.ShipmentId, o.ShipmentStatus, o.Carrier, o.TrackingNumber),
            new SagaInfoDto(o.Step.Wire(), o.Attempt, o.Compensating), Clip(o.Reason, OrderViewLimits.Reason), o.PlacedAt, o.UpdatedAt, o.Version,
            o.History.TakeLast(OrderDto.MaxHistory).Select(h => new StatusChangeDto(h.Status.Wire(), h.At)).ToList(),
            Links(o), [.. o.OrderFlags]);
    }

    public static OrderLinksDto Links(OrderState o) => new(
        $"/api/v1/orders/{o.Id}", $"/api/v1/orders/{o.Id}/events",
        OrderSaga.IsCancellable(o) ? $"/api/v1/orders/{o.Id}/cancel" : null,
        $"/api/v1/users/{Uri.EscapeDataString(o.Customer.CustomerId)}/orders");

    public static OrderSummaryDto Summary(OrderSummary s) => new(s.OrderId, s.CustomerId, s.Status, s.SagaStep,
        Currencies.Format(s.TotalMinor, s.Currency), s.ItemCount,
        new DateTimeOffset(DateTime.SpecifyKind(s.PlacedAt, DateTimeKind.Utc)), new DateTimeOffset(DateTime.SpecifyKind(s.UpdatedAt, DateTimeKind.Utc)),
        $"/api/v1/orders/{s.OrderId}");

    /// <summary>Writes the order's rows (adds them, or updates the tracked ones).</summary>
    public static async Task ProjectAsync(OrderingDbContext db, OrderState o, CancellationToken ct)
    {
        var summary = await db.Summaries.FindAsync([o.Id], ct);
        if (summary is null)
        {
            summary = new OrderSummary { OrderId = o.Id, CustomerId = "", Status = "", SagaStep = "", Currency = "" };
            db.Summaries.Add(summary);
        }

        Fill(summary, o);
        var detail = await db.Details.FindAsync([o.Id], ct);
        if (detail is null)
        {
            detail = new OrderDetail { OrderId = o.Id, CustomerId = "", Document = "" };
            db.Details.Add(detail);
        }

        detail.CustomerId = o.Customer.CustomerId;
        detail.Document = JsonSerializer.Serialize(View(o), EventStore.Json);
        detail.Version = o.Version;
    }

    private static void Fill(OrderSummary s, OrderState o)
    {
        s.CustomerId = o.Customer.CustomerId;
        s.Status = o.Status.Wire();
        s.SagaStep = o.Step.Wire();
        s.TotalMinor = Currencies.ToMinor(o.Total, o.Currency);
        s.Currency = o.Currency;
        s.ItemCount = o.Lines.Sum(l => l.Quantity);
        s.PlacedAt = o.PlacedAt.UtcDateTime;
        s.UpdatedAt = o.UpdatedAt.UtcDateTime;
        s.Version = o.Version;
    }

    /// <summary>
    /// Throws the read models away and replays the whole event log into them. Returns how many orders and events it
    /// replayed. One transaction: readers see the old rows or the new ones, never a half-built table.
    /// </summary>
    public static async Task<(int Orders, long Events)> RebuildAsync(OrderingDbContext db, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Summaries.ExecuteDeleteAsync(ct);
        await db.Details.ExecuteDeleteAsync(ct);
        var store = new EventStore(db);
        var states = new Dictionary<string, OrderState>(StringComparer.Ordinal);
        long events = 0;
        await foreach (var e in store.ReadAllAsync(ct: ct))
        {
            if (!states.TryGetValue(e.StreamId, out var state))
            {
                states[e.StreamId] = state = new OrderState();
            }

            state.Apply(e.Event);
            events++;
        }

        foreach (var state in states.Values)
        {
            var summary = new OrderSummary { OrderId = state.Id, CustomerId = "", Status = "", SagaStep = "", Currency = "" };
            Fill(summary, state);
            db.Summaries.Add(summary);
            db.Details.Add(new OrderDetail
            {
                OrderId = state.Id, CustomerId = state.Customer.CustomerId,
                Document = JsonSerializer.Serialize(View(state), EventStore.Json), Version = state.Version,
            });
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (states.Count, events);
    }

    private static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";

    private static MoneyDto Money(decimal amount, string currency) => Currencies.Format(Currencies.ToMinor(amount, currency), currency);
}
