using Agora.Web.Features.Shop;

namespace Agora.Web.Features.Console;

// The console's catalogue page (/console/catalogue): what it reads from and sends to Catalog's REST v1 through the gateway.

/// <summary>A page of Catalog's product list as staff see it (drafts and discontinued products too).</summary>
public sealed record ProductListPage(IReadOnlyList<Product> Items, long Total, int Page, int TotalPages);

/// <summary>One product with the ETag an edit must send back in <c>If-Match</c>.</summary>
public sealed record CatalogueProduct(Product Product, string? ETag);

/// <summary>
/// A product as the console's form sends it: English name and description, an optional Korean name
/// (<c>localized.ko.name</c>), the price in the given currency, the category and (on create) the status.
/// </summary>
public sealed record ProductForm(
    string? Sku, string? Name, string? NameKo, string? Description, string? Price, string? Currency, string? CategoryId, string? Status);

/// <summary>
/// What Catalog answered to a change: nothing wrong (<see cref="Error"/> null, with the product's id), or its error and,
/// for a 422, the fields it named.
/// </summary>
public sealed record CatalogueAnswer(string? ProductId, StaffError? Error, IReadOnlyList<string> Fields)
{
    public static readonly CatalogueAnswer Done = new(null, null, []);
}
