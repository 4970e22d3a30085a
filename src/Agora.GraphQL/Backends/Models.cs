namespace Agora.GraphQL.Backends;

/// <summary>Money as every Agora API writes it: a decimal string and an ISO 4217 code.</summary>
public sealed record MoneyModel(string Amount, string Currency);

/// <summary>A user as Identity shows it (REST <c>UserDto</c>, or the gRPC <c>UserResponse</c> subset).</summary>
public sealed record UserModel(
    string Id, string Name, string Email, string? Status, IReadOnlyList<string>? Roles, string? Locale, bool? MarketingOptIn,
    DateTimeOffset CreatedAt, DateTimeOffset? UpdatedAt);

/// <summary>One line of an order (Ordering's <c>OrderItemDto</c>).</summary>
public sealed record OrderItemModel(string ProductId, string Sku, string Name, int Quantity, MoneyModel UnitPrice, MoneyModel Subtotal);

/// <summary>An order's detail view (Ordering's <c>OrderDto</c>, the fields the schema shows).</summary>
public sealed record OrderModel(
    string Id, string CustomerId, string Status, IReadOnlyList<OrderItemModel> Items, MoneyModel Total, DateTimeOffset PlacedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One entry of <c>GET /api/v1/customer-orders</c>.</summary>
internal sealed record CustomerOrdersModel(string CustomerId, IReadOnlyList<OrderModel> Orders, long Total);

/// <summary>
/// A product from Catalog with its availability: REST lists and gRPC batch reads both carry it (a Catalog from before
/// issue 15 has no <c>availability</c> on REST: <see cref="Availability"/> null, and the schema fetches it by batch).
/// </summary>
public sealed record ProductModel(
    string Id, string Sku, string Name, string Description, string CategoryId, MoneyModel Price, string Status, int? Available,
    DateTimeOffset? UpdatedAt, AvailabilityModel? Availability = null);

/// <summary>Catalog's <c>availability</c>: <c>in_stock</c>, <c>low_stock</c> or <c>out_of_stock</c>, and the units available.</summary>
public sealed record AvailabilityModel(string Status, int Available);

/// <summary>A category (Catalog's <c>CategoryDto</c>).</summary>
public sealed record CategoryModel(string Id, string Name, string Slug, string Description);

/// <summary>A page of a list: its items, the total and the cursor of the next page.</summary>
public sealed record PageModel<T>(IReadOnlyList<T> Items, long Total, string? NextCursor);

/// <summary>Where the query matched, with the matching words in &lt;em&gt; (HTML-escaped), as Search gives it.</summary>
public sealed record HighlightsModel(string? Name, string? Description);

/// <summary>One search hit: the product id, its BM25 score (when sorted by relevance) and highlights.</summary>
public sealed record SearchHitModel(string Id, double? Score, HighlightsModel? Highlights);

/// <summary>How many matches a category has (facet).</summary>
public sealed record CategoryCountModel(string CategoryId, int Count);

/// <summary>A page of search hits with the category facets over every match.</summary>
public sealed record SearchPageModel(IReadOnlyList<SearchHitModel> Items, IReadOnlyList<CategoryCountModel> Categories, long Total, string? NextCursor);
