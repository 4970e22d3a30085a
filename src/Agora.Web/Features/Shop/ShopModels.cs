namespace Agora.Web.Features.Shop;

// The shop's REST resources as the storefront reads them (snake_case JSON, inside the {"data", "meta", "pagination"}
// envelope). Only the fields the pages show; unknown fields are ignored, so an additive change breaks nothing.

/// <summary>An amount as the API sends it: a decimal string and an ISO 4217 code.</summary>
public sealed record Money(string Amount, string Currency);

/// <summary>
/// A name and description in one more language, under <c>localized.&lt;locale&gt;</c> of Catalog's and Search's
/// resources (<c>"localized": {"ko": {"name": …, "description": …}}</c>).
/// </summary>
public sealed record LocalizedText(string Name, string? Description);

public sealed record Category(
    string Id, string Name, string Slug, string Description, IReadOnlyDictionary<string, LocalizedText>? Localized = null);

/// <summary>
/// Catalog's stock summary on a product, when Catalog sends it (<c>in_stock</c>, <c>low_stock</c>, <c>out_of_stock</c>).
/// </summary>
public sealed record Availability(string Status, int Available)
{
    public bool CanOrder => Status != "out_of_stock" && Available > 0;

    /// <summary>From a plain count (Catalog's inventory resource, Search's hits); low below 5.</summary>
    public static Availability FromCount(int available) =>
        new(available <= 0 ? "out_of_stock" : available < 5 ? "low_stock" : "in_stock", available);
}

public sealed record Product(
    string Id, string Sku, string Name, string Description, string CategoryId, Money Price, string Status, Availability? Availability,
    IReadOnlyDictionary<string, LocalizedText>? Localized = null);

public sealed record Inventory(string ProductId, int Available);

/// <summary>A page of a collection and the cursor of the next one (null on the last).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor, long Total);

public sealed record SearchHighlights(string? Name, string? Description);

public sealed record SearchHit(
    string Id, string Sku, string Name, string Description, string CategoryId, Money Price, int Available, bool InStock,
    SearchHighlights? Highlights, IReadOnlyDictionary<string, LocalizedText>? Localized = null);

public sealed record CategoryCount(string CategoryId, int Count);

public sealed record SearchFacets(IReadOnlyList<CategoryCount> Categories);

public sealed record SearchResult(IReadOnlyList<SearchHit> Items, SearchFacets Facets);

/// <summary>An address of the customer's address book (Identity).</summary>
public sealed record Address(
    string Id, string Label, string Recipient, string Line1, string Line2, string City, string PostalCode, string Country, string Phone,
    bool IsDefault)
{
    public string OneLine => string.Join(", ", new[] { Recipient, Line1, Line2, City, PostalCode, Country }.Where(s => !string.IsNullOrWhiteSpace(s)));
}

/// <summary>What the checkout sends as a new address (Identity's <c>AddressInput</c>).</summary>
public sealed record NewAddress(string? Label, string Recipient, string Line1, string? Line2, string City, string? PostalCode, string Country, string? Phone);

public sealed record OrderLine(string ProductId, string Sku, string Name, int Quantity, Money UnitPrice, Money Subtotal);

public sealed record OrderAddress(string Recipient, string Phone, string Line1, string? Line2, string City, string PostalCode, string Country);

public sealed record OrderPayment(string? Id, string Status);

public sealed record OrderShipment(string? Id, string Status, string? Carrier, string? TrackingNumber);

public sealed record OrderSaga(string State, int Attempt, bool Compensating);

public sealed record StatusChange(string Status, DateTimeOffset At);

/// <summary>What can be done next with the order: <see cref="Cancel"/> is there only while Ordering would cancel it.</summary>
public sealed record OrderLinks(string? Self, string? Events, string? Cancel);

public sealed record Order(
    string Id, string Status, IReadOnlyList<OrderLine> Items, Money Total, OrderAddress ShippingAddress, OrderPayment Payment,
    OrderShipment Shipment, OrderSaga Saga, string? Reason, DateTimeOffset PlacedAt, DateTimeOffset UpdatedAt,
    IReadOnlyList<StatusChange> History, OrderLinks? Links = null)
{
    public bool CanCancel => Links?.Cancel is not null;
}

public sealed record OrderSummary(string Id, string Status, string SagaState, Money Total, int ItemCount, DateTimeOffset PlacedAt);

public sealed record OrderEvent(int Version, string Type, DateTimeOffset OccurredAt);

/// <summary>What <c>POST /api/v1/orders</c> takes.</summary>
public sealed record PlaceOrderItem(string ProductId, int Quantity);

public sealed record PlaceOrderRequest(IReadOnlyList<PlaceOrderItem> Items, OrderAddress ShippingAddress);

/// <summary>A failed call: the error envelope's code and message (or the status when there was none).</summary>
public sealed record ShopError(int Status, string Code, string Message);

/// <summary>An answer or the reason there is none.</summary>
public sealed record ShopResult<T>(T? Value, ShopError? Error)
{
    public bool Ok => Error is null;
}
