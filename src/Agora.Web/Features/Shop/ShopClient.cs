using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Agora.Web.Features.Shop;

/// <summary>
/// The shop's REST API through the gateway, as an outside client calls it: public reads without a token, the customer's
/// own resources with the signed-in customer's access token (<see cref="SignIn.TokenStore"/>). The public catalogue reads
/// (categories, products, search) are kept for a few seconds (<see cref="WebOptions.CatalogCache"/>): a busy storefront
/// asks the gateway once per product and query in that time, not once per page view (every visitor's read comes from
/// the storefront's address, which the gateway's rate limit sees as one consumer).
/// </summary>
public sealed partial class ShopClient(HttpClient http, IMemoryCache cache, IOptions<WebOptions> options, ILogger<ShopClient> logger)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public Task<ShopResult<IReadOnlyList<Category>>> CategoriesAsync(CancellationToken ct) =>
        CachedAsync("/api/v1/categories?per_page=100", options.Value.CategoryCache, () => GetAsync<IReadOnlyList<Category>>("/api/v1/categories?per_page=100", null, ct));

    public async Task<ShopResult<Page<Product>>> ProductsAsync(string? categoryId, string? cursor, int perPage, CancellationToken ct)
    {
        var query = $"/api/v1/products?status=active&per_page={perPage}"
                    + (categoryId is null ? "" : "&category=" + Uri.EscapeDataString(categoryId))
                    + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
        return await CachedAsync(query, options.Value.CatalogCache, () => PageAsync<Product>(query, null, ct));
    }

    public Task<ShopResult<Product>> ProductAsync(string id, CancellationToken ct)
    {
        var path = "/api/v1/products/" + Uri.EscapeDataString(id);
        return CachedAsync(path, options.Value.CatalogCache, () => GetAsync<Product>(path, null, ct));
    }

    public Task<ShopResult<Inventory>> InventoryAsync(string productId, CancellationToken ct)
    {
        var path = $"/api/v1/products/{Uri.EscapeDataString(productId)}/inventory";
        return CachedAsync(path, options.Value.CatalogCache, () => GetAsync<Inventory>(path, null, ct));
    }

    /// <summary>The Search service: matches with highlights, category facets and a cursor to the next page.</summary>
    public async Task<ShopResult<(SearchResult Result, string? NextCursor)>> SearchAsync(
        string? q, string? categoryId, string? cursor, CancellationToken ct)
    {
        var parts = new List<string> { "per_page=20" };
        if (!string.IsNullOrWhiteSpace(q))
        {
            parts.Add("q=" + Uri.EscapeDataString(q));
        }

        if (!string.IsNullOrWhiteSpace(categoryId))
        {
            parts.Add("category=" + Uri.EscapeDataString(categoryId));
        }

        if (!string.IsNullOrWhiteSpace(cursor))
        {
            parts.Add("cursor=" + Uri.EscapeDataString(cursor));
        }

        var path = "/api/v1/search/products?" + string.Join('&', parts);
        return await CachedAsync(path, options.Value.CatalogCache, async () =>
        {
            var (body, error) = await SendAsync(HttpMethod.Get, path, null, null, null, ct);
            if (error is not null)
            {
                return new ShopResult<(SearchResult, string?)>(default, error);
            }

            var result = body!["data"].Deserialize<SearchResult>(Json)!;
            return new((result, (string?)body["pagination"]?["next_cursor"]), null);
        });
    }

    /// <summary>
    /// Creates a customer account (Identity's registration, anonymous); <paramref name="locale"/> (the language the
    /// visitor browses in, when not English) becomes the profile's, so the storefront and the emails speak it.
    /// </summary>
    public async Task<ShopError?> RegisterAsync(string name, string email, string password, string? locale, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, "/api/v1/users", null, new { name, email, password, locale }, null, ct)).Error;

    public Task<ShopResult<IReadOnlyList<Address>>> AddressesAsync(string token, CancellationToken ct) =>
        GetAsync<IReadOnlyList<Address>>("/api/v1/users/me/addresses", token, ct);

    public async Task<ShopResult<Address>> CreateAddressAsync(string token, NewAddress address, CancellationToken ct)
    {
        var (body, error) = await SendAsync(HttpMethod.Post, "/api/v1/users/me/addresses", token, address, null, ct);
        return error is null ? new(body!["data"].Deserialize<Address>(Json), null) : new(default, error);
    }

    /// <summary>
    /// Places the order with <paramref name="idempotencyKey"/>: the same key (a double click, a retry) gives the same
    /// order back (201, <c>Idempotent-Replayed: true</c>), never a second one.
    /// </summary>
    public async Task<ShopResult<Order>> PlaceOrderAsync(string token, string idempotencyKey, PlaceOrderRequest order, CancellationToken ct)
    {
        var (body, error) = await SendAsync(HttpMethod.Post, "/api/v1/orders", token, order, idempotencyKey, ct);
        return error is null ? new(body!["data"].Deserialize<Order>(Json), null) : new(default, error);
    }

    public Task<ShopResult<Order>> OrderAsync(string token, string id, CancellationToken ct) =>
        GetAsync<Order>("/api/v1/orders/" + Uri.EscapeDataString(id), token, ct);

    /// <summary>The order as it was at <paramref name="asOf"/> (Ordering folds its event stream up to that instant).</summary>
    public Task<ShopResult<Order>> OrderAsOfAsync(string token, string id, DateTimeOffset asOf, CancellationToken ct) =>
        GetAsync<Order>($"/api/v1/orders/{Uri.EscapeDataString(id)}?as_of="
                        + Uri.EscapeDataString(asOf.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture)), token, ct);

    /// <summary>
    /// Asks Ordering to cancel the order (202: the saga turns back); 409 <c>ORDER_NOT_CANCELLABLE</c> once it is past the
    /// point where it can be, <c>ORDER_BUSY</c> when it kept changing meanwhile.
    /// </summary>
    public async Task<ShopResult<Order>> CancelOrderAsync(string token, string id, CancellationToken ct)
    {
        var (body, error) = await SendAsync(HttpMethod.Post, $"/api/v1/orders/{Uri.EscapeDataString(id)}/cancel", token, null, null, ct);
        return error is null ? new(body!["data"].Deserialize<Order>(Json), null) : new(default, error);
    }

    public Task<ShopResult<IReadOnlyList<OrderEvent>>> OrderEventsAsync(string token, string id, CancellationToken ct) =>
        GetAsync<IReadOnlyList<OrderEvent>>($"/api/v1/orders/{Uri.EscapeDataString(id)}/events", token, ct);

    public Task<ShopResult<Page<OrderSummary>>> OrdersAsync(string token, string customerId, string? cursor, CancellationToken ct) =>
        PageAsync<OrderSummary>($"/api/v1/users/{Uri.EscapeDataString(customerId)}/orders?per_page=20"
                                + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), token, ct);

    /// <summary>A public read from the cache when it was read less than <paramref name="ttl"/> ago; failures are never kept.</summary>
    private async Task<ShopResult<T>> CachedAsync<T>(string path, TimeSpan ttl, Func<Task<ShopResult<T>>> read)
    {
        if (ttl <= TimeSpan.Zero)
        {
            return await read();
        }

        if (cache.TryGetValue(path, out ShopResult<T>? kept) && kept is not null)
        {
            return kept;
        }

        var result = await read();
        if (result.Error is null)
        {
            cache.Set(path, result, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = ttl, Size = 1 });
        }

        return result;
    }

    private async Task<ShopResult<T>> GetAsync<T>(string path, string? token, CancellationToken ct)
    {
        var (body, error) = await SendAsync(HttpMethod.Get, path, token, null, null, ct);
        return error is null ? new(body!["data"].Deserialize<T>(Json), null) : new(default, error);
    }

    private async Task<ShopResult<Page<T>>> PageAsync<T>(string path, string? token, CancellationToken ct)
    {
        var (body, error) = await SendAsync(HttpMethod.Get, path, token, null, null, ct);
        if (error is not null)
        {
            return new(default, error);
        }

        var items = body!["data"].Deserialize<IReadOnlyList<T>>(Json) ?? [];
        var pagination = body["pagination"];
        return new(new Page<T>(items, (string?)pagination?["next_cursor"], (long?)pagination?["total"] ?? items.Count), null);
    }

    private async Task<(JsonNode? Body, ShopError? Error)> SendAsync(
        HttpMethod method, string path, string? token, object? content, string? idempotencyKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (content is not null)
        {
            request.Content = JsonContent.Create(content, options: Json);
        }

        try
        {
            using var response = await http.SendAsync(request, ct);
            var body = await GatewayCalls.ReadJsonAsync(response, ct);
            if (response.IsSuccessStatusCode)
            {
                return (body, null);
            }

            var status = (int)response.StatusCode;
            var error = new ShopError(status, (string?)body?["error"]?["code"] ?? "HTTP_" + status,
                (string?)body?["error"]?["message"] ?? response.ReasonPhrase ?? "The shop did not answer.");
            LogFailed(logger, method.Method, path, status, error.Code);
            return (null, error);
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(logger, method.Method, path, e);
            return (null, new ShopError(503, "SHOP_UNREACHABLE", "The shop cannot be reached right now; try again in a moment."));
        }
        catch (Exception e) when (e is Polly.ExecutionRejectedException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            LogUnreachable(logger, method.Method, path, e);
            return (null, new ShopError(504, "SHOP_TIMEOUT", "The shop took too long to answer; try again in a moment."));
        }
    }

    [LoggerMessage(EventId = 9410, Level = LogLevel.Information, Message = "{Method} {Path} answered {Status} {Code}")]
    private static partial void LogFailed(ILogger logger, string method, string path, int status, string code);

    [LoggerMessage(EventId = 9411, Level = LogLevel.Warning, Message = "{Method} {Path}: the gateway could not be reached")]
    private static partial void LogUnreachable(ILogger logger, string method, string path, Exception exception);
}

/// <summary>Registers <see cref="ShopClient"/> on the gateway's address.</summary>
internal static class ShopClientRegistration
{
    /// <summary>
    /// How long one call may take: the gateway gives <c>POST /api/v1/orders</c> 30 s (Ordering's pricing budget and the
    /// commit fit well inside), so a cold shop's first order is not cut off by the services' 2 s per-attempt default.
    /// </summary>
    public static readonly TimeSpan PlacementBudget = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The services' resilience pipeline (<see cref="Agora.ServiceDefaults.Resilience.AgoraResilience"/>: no retry of a
    /// POST, a breaker, a bulkhead) with a per-call timeout of <paramref name="attempt"/> in place of its 2 s: a browser's
    /// request waits for the shop as long as the gateway does. The customer retries a failed order with the same key.
    /// </summary>
    public static IHttpClientBuilder WithStorefrontResilience(this IHttpClientBuilder client, TimeSpan attempt)
    {
#pragma warning disable EXTEXP0001 // experimental, but the only way to take ServiceDefaults' standard handler off one client (as PspResilience does)
        client.RemoveAllResilienceHandlers().AddStandardResilienceHandler(o =>
        {
            Agora.ServiceDefaults.Resilience.AgoraResilience.Configure(o);
            o.AttemptTimeout.Timeout = attempt;
            o.TotalRequestTimeout.Timeout = attempt * 2;
            o.CircuitBreaker.SamplingDuration = attempt * 2;
        });
#pragma warning restore EXTEXP0001
        return client;
    }

    public static IHostApplicationBuilder AddShopClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMemoryCache(o => o.SizeLimit = 20_000);
        builder.Services.AddOptions<WebOptions>().Bind(builder.Configuration.GetSection(WebOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        builder.AddGatewayClient<ShopClient>(PlacementBudget);
        return builder;
    }
}
