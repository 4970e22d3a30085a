using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Net.Http.Headers;

namespace Agora.Catalog.Features.Products;

/// <summary>Whether a product can be ordered now: <c>in_stock</c>, <c>low_stock</c> or <c>out_of_stock</c>.</summary>
public enum AvailabilityStatus
{
    InStock,
    LowStock,
    OutOfStock,
}

/// <summary>
/// A product's availability as the product resource shows it: the units that can be ordered now (on hand minus
/// reserved) and what that means. Low stock is 1 to <see cref="CatalogOptions.LowStockThreshold"/> units.
/// </summary>
[ImmutableObject(true)]
public sealed record ProductAvailability(
    AvailabilityStatus Status,
    [property: Range(0, int.MaxValue), Description("Units that can be ordered now: on hand minus reserved.")] int Available)
{
    public static ProductAvailability Of(int available, int lowStockThreshold) =>
        available <= 0 ? new(AvailabilityStatus.OutOfStock, 0)
        : new(available <= lowStockThreshold ? AvailabilityStatus.LowStock : AvailabilityStatus.InStock, available);

    /// <summary>The status as the JSON (and gRPC) spells it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string StatusName => Status switch
    {
        AvailabilityStatus.InStock => "in_stock",
        AvailabilityStatus.LowStock => "low_stock",
        _ => "out_of_stock",
    };
}

/// <summary>
/// A product's ETag: its version and its availability (<c>"7.42.0"</c>), so a stock change is a new tag and
/// <c>If-None-Match</c> never answers 304 over a changed availability. Writes guard the details only: <c>If-Match</c>
/// holds when the tag's version is the product's, whatever the stock did meanwhile (an order between a read and a
/// price change is not a conflict), and the bare version tag (<c>"7"</c>) of earlier answers is accepted too.
/// </summary>
internal static class ProductETag
{
    public static string Of(int version, ProductAvailability availability) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\"{version}.{availability.Available}.{(int)availability.Status}\"");

    public static string Of(ProductDto product, int version) => Of(version, product.Availability);

    /// <summary>True when the request has <c>If-Match</c> and none of its tags is of <paramref name="version"/> (nor <c>*</c>).</summary>
    public static bool IfMatchFails(HttpRequest request, int version)
    {
        var header = request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return false;
        }

        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return true;
        }

        var wanted = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return !tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || (!t.IsWeak && VersionOf(t.Tag.AsSpan()).SequenceEqual(wanted)));
    }

    private static ReadOnlySpan<char> VersionOf(ReadOnlySpan<char> quoted)
    {
        var inner = quoted.Length >= 2 ? quoted[1..^1] : quoted;
        var dot = inner.IndexOf('.');
        return dot < 0 ? inner : inner[..dot];
    }
}
