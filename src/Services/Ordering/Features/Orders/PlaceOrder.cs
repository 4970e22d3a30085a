using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Agora.Contracts.Catalog.V1;
using Agora.Contracts.Orders;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Saga;
using Agora.Ordering.Infrastructure;
using Agora.ServiceDefaults.Auth;
using Agora.ServiceDefaults.Http;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Agora.Ordering.Features.Orders;

public sealed record PlaceOrderItem(string? ProductId, int? Quantity);

public sealed record PlaceOrderAddress(string? Recipient, string? Phone, string? Line1, string? Line2, string? City, string? PostalCode, string? Country);

/// <summary>The body of <c>POST /api/v1/orders</c>: what to buy and where to send it. Prices come from Catalog, never from here.</summary>
public sealed record PlaceOrderRequest(IReadOnlyList<PlaceOrderItem>? Items, PlaceOrderAddress? ShippingAddress);

/// <summary>
/// Places an order: validates, prices every line with Catalog (gRPC), and starts the saga — the first event, the read
/// models, the <c>OrderPlaced</c> event, the stock reservation command and its timeout, and the idempotency key all
/// commit in one transaction. The same <c>Idempotency-Key</c> with the same body returns the same order (201, header
/// <c>Idempotent-Replayed: true</c>); with another body it is a 422.
/// </summary>
internal static partial class PlaceOrder
{
    public const int MaxItems = 50;
    public const int MaxQuantity = 100;
    public const string IdempotencyHeader = "Idempotency-Key";

    public static async Task<Results<ApiCreated<OrderDto>, ApiError>> Handle(
        PlaceOrderRequest? body, HttpContext http, OrderProcessor processor, CatalogService.CatalogServiceClient catalog,
        ILogger<OrderProcessor> logger, CancellationToken ct)
    {
        var user = http.User;
        var customerId = user.FindFirstValue(AgoraClaims.Subject);
        var email = user.FindFirstValue("email");
        if (string.IsNullOrEmpty(customerId) || string.IsNullOrEmpty(email))
        {
            return ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                "Orders are placed by a signed-in customer: the token must be a user's (with sub and email).");
        }

        var key = http.Request.Headers[IdempotencyHeader].ToString();
        if (key.Length is 0 or > 255 || key.Any(char.IsControl))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "IDEMPOTENCY_KEY_REQUIRED",
                $"Send an {IdempotencyHeader} header (1–255 printable characters, e.g. a UUID) so a retried request cannot place the order twice.");
        }

        var validator = new Validator();
        var (items, address) = Validate(body, validator);
        if (!validator.IsValid)
        {
            return validator.ToError();
        }

        var requestHash = Hash(items, address);
        var db = processor.Db;
        if (await ReplayAsync(db, customerId, key, requestHash, processor, ct) is { } replay)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return replay;
        }

        GetProductsResponse priced;
        try
        {
            var request = new GetProductsRequest();
            request.ProductIds.AddRange(items.Select(i => i.ProductId).Distinct(StringComparer.Ordinal));
            priced = await catalog.GetProductsAsync(request, cancellationToken: ct);
        }
        catch (RpcException ex) when (ex.StatusCode is not StatusCode.Cancelled)
        {
            LogCatalogUnavailable(logger, ex.StatusCode, ex);
            http.Response.Headers.RetryAfter = "5";
            return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable,
                "Prices cannot be confirmed right now (the catalogue is unavailable); nothing was ordered. Retry with the same Idempotency-Key.");
        }

        var products = priced.Products.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var lines = new List<OrderLine>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (!products.TryGetValue(item.ProductId, out var product))
            {
                validator.Add($"items[{i}].product_id", "No such product.");
            }
            else if (product.Status != "active")
            {
                validator.Add($"items[{i}].product_id", $"The product is not for sale ({product.Status}).");
            }
            else if (!decimal.TryParse(product.Price.Amount, NumberStyles.Number, CultureInfo.InvariantCulture, out var price))
            {
                validator.Add($"items[{i}].product_id", "The product has no valid price.");
            }
            else
            {
                lines.Add(new OrderLine(product.Id, product.Sku, product.Name, item.Quantity, price, product.Price.Currency));
            }
        }

        if (lines.Select(l => l.Currency).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            validator.Add("items", "All products of one order must be priced in the same currency.");
        }

        if (!validator.IsValid)
        {
            return validator.ToError();
        }

        var now = processor.Now;
        var orderId = Ids.New("ord");
        var contact = new CustomerContact(customerId, email, user.FindFirstValue("name") ?? email,
            user.FindFirstValue("locale") is { Length: > 0 } locale ? locale : "en");
        var total = lines.Sum(l => l.UnitPrice * l.Quantity);
        var order = new OrderState();
        try
        {
            await processor.CommitAsync(order, [new OrderEvent.Placed(now, orderId, contact, lines, address, total, lines[0].Currency)], ct,
                db => db.IdempotencyKeys.Add(new IdempotencyKey
                {
                    CustomerId = customerId, Key = key, RequestHash = requestHash, OrderId = orderId, CreatedAt = now.UtcDateTime,
                }));
        }
        catch (StreamConcurrencyException)
        {
            // The only unique index a new order can hit is the idempotency key: the same request raced in and won.
            if (await ReplayAsync(db, customerId, key, requestHash, processor, ct) is { } winner)
            {
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return winner;
            }

            throw;
        }

        return ApiResults.Created($"/api/v1/orders/{orderId}", OrderProjection.View(order));
    }

    private static async Task<Results<ApiCreated<OrderDto>, ApiError>?> ReplayAsync(
        OrderingDbContext db, string customerId, string key, string requestHash, OrderProcessor processor, CancellationToken ct)
    {
        var previous = await db.IdempotencyKeys.AsNoTracking().FirstOrDefaultAsync(k => k.CustomerId == customerId && k.Key == key, ct);
        if (previous is null)
        {
            return null;
        }

        if (!string.Equals(previous.RequestHash, requestHash, StringComparison.Ordinal))
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED",
                $"This {IdempotencyHeader} was already used for a different order request; use a new key for a new order.");
        }

        var order = await processor.LoadAsync(previous.OrderId, ct) ?? throw new InvalidOperationException($"Order {previous.OrderId} of an idempotency key is missing.");
        return ApiResults.Created($"/api/v1/orders/{order.Id}", OrderProjection.View(order));
    }

    private static (List<(string ProductId, int Quantity)> Items, ShippingAddress Address) Validate(PlaceOrderRequest? body, Validator v)
    {
        var items = new List<(string, int)>();
        if (body?.Items is not { Count: > 0 } given)
        {
            v.Add("items", "Order at least one item.");
        }
        else if (given.Count > MaxItems)
        {
            v.Add("items", $"At most {MaxItems} lines per order.");
        }
        else
        {
            for (var i = 0; i < given.Count; i++)
            {
                var item = given[i];
                if (item is null || string.IsNullOrWhiteSpace(item.ProductId) || item.ProductId.Length > 40)
                {
                    v.Add($"items[{i}].product_id", "Required: a product id (prd_…).");
                    continue;
                }

                if (item.Quantity is not (>= 1 and <= MaxQuantity))
                {
                    v.Add($"items[{i}].quantity", $"Must be between 1 and {MaxQuantity}.");
                    continue;
                }

                items.Add((item.ProductId, item.Quantity.Value));
            }
        }

        var a = body?.ShippingAddress;
        string Field(string? value, string name, int max, bool required = true)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required)
                {
                    v.Add("shipping_address." + name, "Required.");
                }

                return "";
            }

            if (value.Length > max || value.Any(char.IsControl))
            {
                v.Add("shipping_address." + name, $"At most {max} printable characters.");
            }

            return value.Trim();
        }

        if (a is null)
        {
            v.Add("shipping_address", "Required.");
            return (items, new ShippingAddress("", "", "", null, "", "", ""));
        }

        var country = Field(a.Country, "country", 2);
        if (country.Length > 0 && !(country.Length == 2 && country.All(char.IsAsciiLetterUpper)))
        {
            v.Add("shipping_address.country", "An ISO 3166-1 alpha-2 code in capitals (KR, US).");
        }

        var address = new ShippingAddress(Field(a.Recipient, "recipient", 100), Field(a.Phone, "phone", 30), Field(a.Line1, "line1", 200),
            Field(a.Line2, "line2", 200, required: false) is { Length: > 0 } l2 ? l2 : null, Field(a.City, "city", 100),
            Field(a.PostalCode, "postal_code", 20), country);
        return (items, address);
    }

    private static string Hash(List<(string ProductId, int Quantity)> items, ShippingAddress address) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            items = items.Select(i => new[] { i.ProductId, i.Quantity.ToString(CultureInfo.InvariantCulture) }),
            address,
        }))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog could not price an order ({Status}); answered 503")]
    private static partial void LogCatalogUnavailable(ILogger logger, StatusCode status, Exception exception);
}
