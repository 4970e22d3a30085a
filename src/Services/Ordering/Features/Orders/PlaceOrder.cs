using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Agora.Http;
using Agora.Auth;
using Agora.Contracts.Orders;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Saga;
using Agora.Ordering.Infrastructure;
using Agora.Primitives;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Agora.Contracts.Catalog.V1;
using Validator = Agora.Http.Validator;

namespace Agora.Ordering.Features.Orders;

/// <summary>The longest values an order takes (<see cref="PlaceOrder"/> rejects longer ones with 422) and then shows.</summary>
public static class OrderLimits
{
    public const int ProductId = 40;
    public const int Recipient = 100;
    public const int Phone = 30;
    public const int Line = 200;
    public const int City = 100;
    public const int PostalCode = 20;
    public const int Country = 2;
}

/// <summary>A product and how many of it.</summary>
public sealed record PlaceOrderItem(
    [property: MaxLength(OrderLimits.ProductId)] string? ProductId,
    [property: Range(1, PlaceOrder.MaxQuantity)] int? Quantity);

/// <summary>Where to send the order. Every field but line2 is required; country is ISO 3166-1 alpha-2 in capitals.</summary>
public sealed record PlaceOrderAddress(
    [property: MaxLength(OrderLimits.Recipient)] string? Recipient,
    [property: MaxLength(OrderLimits.Phone)] string? Phone,
    [property: MaxLength(OrderLimits.Line)] string? Line1,
    [property: MaxLength(OrderLimits.Line), ApiOptional] string? Line2,
    [property: MaxLength(OrderLimits.City)] string? City,
    [property: MaxLength(OrderLimits.PostalCode)] string? PostalCode,
    [property: MaxLength(OrderLimits.Country), RegularExpression("^[A-Z]{2}$")] string? Country);

/// <summary>The body of <c>POST /api/v1/orders</c>: what to buy and where to send it. Prices come from Catalog, never from here.</summary>
public sealed record PlaceOrderRequest(
    [property: MaxLength(PlaceOrder.MaxItems)] IReadOnlyList<PlaceOrderItem>? Items,
    PlaceOrderAddress? ShippingAddress);

/// <summary><c>Ordering:Placement</c>: the budget of one <c>POST /api/v1/orders</c>.</summary>
public sealed class PlacementOptions
{
    public const string SectionName = "Ordering:Placement";

    /// <summary>
    /// How long the placement waits for Catalog's prices (all retries included) before it answers 503
    /// <c>DEPENDENCY_UNAVAILABLE</c> with nothing ordered. Together with the commit this bounds the POST, so the gateway's
    /// timeout for it must be above this (docs/architecture.md, "Faults"). Default 5 s.
    /// </summary>
    public TimeSpan PricingTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

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

    /// <summary>The longest <see cref="IdempotencyHeader"/> accepted.</summary>
    public const int MaxIdempotencyKeyLength = 255;

    public static async Task<Results<ApiCreated<OrderDto>, ApiError>> Handle(
        PlaceOrderRequest? body, HttpContext http, OrderProcessor processor, CatalogService.CatalogServiceClient catalog,
        IOptions<PlacementOptions> placement, ILogger<OrderProcessor> logger, CancellationToken ct)
    {
        var user = http.User;
        var customerId = user.FindFirstValue(AgoraClaims.Subject);
        var email = user.FindFirstValue("email");
        if (string.IsNullOrEmpty(customerId) || customerId.Length > OrderViewLimits.CustomerId || string.IsNullOrEmpty(email))
        {
            return ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                "Orders are placed by a signed-in customer: the token must be a user's (with sub and email).");
        }

        var key = http.Request.Headers[IdempotencyHeader].ToString();
        if (key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(char.IsControl))
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
        using var pricing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        pricing.CancelAfter(placement.Value.PricingTimeout);
        try
        {
            var request = new GetProductsRequest();
            request.ProductIds.AddRange(items.Select(i => i.ProductId).Distinct(StringComparer.Ordinal));
            priced = await catalog.GetProductsAsync(request, cancellationToken: pricing.Token);
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException && ct.IsCancellationRequested)
        {
            // The caller went away (the gateway timed out or the client hung up): nothing was ordered, and nobody
            // reads the answer. Expected under load, so Information, not an unhandled error.
            LogCallerGone(logger);
            return ApiResults.Error(StatusCodes.Status499ClientClosedRequest, "CLIENT_CLOSED_REQUEST",
                "The request was abandoned before prices were confirmed; nothing was ordered.");
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException)
        {
            // Catalog is down, slow past the placement's budget, or its breaker is open: a dependency's failure,
            // marked so the gateway does not count it against Ordering (docs/architecture.md, "Faults").
            LogCatalogUnavailable(logger, (ex as RpcException)?.StatusCode ?? StatusCode.DeadlineExceeded, ex);
            return DependencyFailure.Unavailable(http, "catalog",
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
                if (item is null || string.IsNullOrWhiteSpace(item.ProductId))
                {
                    v.Add($"items[{i}].product_id", "Required: a product id (prd_…).");
                    continue;
                }

                if (item.ProductId.Length > OrderLimits.ProductId)
                {
                    v.Add($"items[{i}].product_id", $"At most {OrderLimits.ProductId} characters: a product id (prd_…).");
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

        var country = Field(a.Country, "country", OrderLimits.Country);
        if (country.Length > 0 && !(country.Length == 2 && country.All(char.IsAsciiLetterUpper)))
        {
            v.Add("shipping_address.country", "An ISO 3166-1 alpha-2 code in capitals (KR, US).");
        }

        var address = new ShippingAddress(Field(a.Recipient, "recipient", OrderLimits.Recipient), Field(a.Phone, "phone", OrderLimits.Phone),
            Field(a.Line1, "line1", OrderLimits.Line),
            Field(a.Line2, "line2", OrderLimits.Line, required: false) is { Length: > 0 } l2 ? l2 : null, Field(a.City, "city", OrderLimits.City),
            Field(a.PostalCode, "postal_code", OrderLimits.PostalCode), country);
        return (items, address);
    }

    private static string Hash(List<(string ProductId, int Quantity)> items, ShippingAddress address) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            items = items.Select(i => new[] { i.ProductId, i.Quantity.ToString(CultureInfo.InvariantCulture) }),
            address,
        }))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog could not price an order ({Status}); answered 503 DEPENDENCY_UNAVAILABLE")]
    private static partial void LogCatalogUnavailable(ILogger logger, StatusCode status, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "An order request was abandoned by its caller while prices were being confirmed; nothing was ordered")]
    private static partial void LogCallerGone(ILogger logger);
}
