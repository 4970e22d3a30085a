using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Agora.Bench.Orders;

/// <summary>A signed-in user: the access token and when it was issued (tokens live 15 minutes).</summary>
public sealed record SignedIn(string Email, string Token, DateTimeOffset IssuedAt);

/// <summary>The result of one <c>POST /api/v1/orders</c>.</summary>
public sealed record PlaceResult(int Status, string? OrderId, string? Error);

/// <summary>One event of an order's stream, as <c>GET /api/v1/orders/{id}/events</c> shows it.</summary>
public sealed record OrderEventRow(int Version, string Type, DateTimeOffset OccurredAt);

/// <summary>
/// The shop's public APIs, as a customer, staff member and script use them: Identity's registration, login page and
/// token endpoint (authorization code + PKCE, like tests/Agora.Testing/OAuth.cs), Catalog's admin API, and Ordering.
/// </summary>
public sealed partial class ShopApi(BenchOptions options) : IDisposable
{
    private const string WebClient = "agora-web";
    private const string Redirect = "http://localhost:3000/callback";
    private const string CustomerScope = "openid profile email read:orders write:orders";

    // Staff sign in through the confidential back-office client: staff scopes never reach a public client, and staff
    // means role admin AND a staff scope (admin:ops for Ordering's saga listing and every customer's orders).
    private const string StaffClient = "agora-admin";
    private const string StaffClientSecret = "agora-admin-secret";
    private const string StaffScope = "openid profile email roles read:orders admin:ops";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly HttpClient _http = new(ClientTls.Configure(new SocketsHttpHandler
    {
        // Open-loop load needs as many connections as POSTs in flight; the services answer on HTTP/1.1.
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        AllowAutoRedirect = false,
        UseCookies = false,
    }))
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    public void Dispose() => _http.Dispose();

    // ---------------------------------------------------------------- Identity --

    /// <summary>Opens a customer account (<c>POST /api/v1/users</c>); an existing one is fine (409).</summary>
    public async Task RegisterAsync(string name, string email, string password, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(options.Identity, "api/v1/users"),
            new { name, email, password, locale = "en" }, Json, ct);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
        {
            throw new BenchException($"registering {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    /// <summary>Signs a customer in through Identity's real login page: authorize → login form → authorize → code → token.</summary>
    public Task<SignedIn> SignInAsync(string email, string password, CancellationToken ct) =>
        SignInAsync(email, password, WebClient, null, CustomerScope, ct);

    /// <summary>Signs the demo staff member in through the back-office client, with the staff scopes the checks need.</summary>
    public Task<SignedIn> SignInAsStaffAsync(string email, string password, CancellationToken ct) =>
        SignInAsync(email, password, StaffClient, StaffClientSecret, StaffScope, ct);

    private async Task<SignedIn> SignInAsync(string email, string password, string client, string? secret, string scope, CancellationToken ct)
    {
        var cookies = new CookieContainer();
        using var handler = ClientTls.Configure(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies });
        using var browser = new HttpClient(handler)
        {
            BaseAddress = options.Identity,
        };
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = "connect/authorize?response_type=code&client_id=" + client + "&redirect_uri=" + Uri.EscapeDataString(Redirect)
            + "&scope=" + Uri.EscapeDataString(scope) + "&state=bench&code_challenge=" + challenge + "&code_challenge_method=S256";

        using var first = await browser.GetAsync(authorize, ct);
        Expect(first.StatusCode == HttpStatusCode.Redirect, email, "authorize did not redirect to the login page", first);
        var page = await browser.GetStringAsync(first.Headers.Location, ct);
        using var login = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = InputValue(page, "__RequestVerificationToken"),
            ["return_url"] = InputValue(page, "return_url"),
            ["email"] = email,
            ["password"] = password,
        });
        using var posted = await browser.PostAsync("account/login", login, ct);
        Expect(posted.StatusCode == HttpStatusCode.Redirect, email, "the login form did not redirect", posted);
        using var back = await browser.GetAsync(posted.Headers.Location, ct);
        Expect(back.StatusCode == HttpStatusCode.Redirect, email, "authorize after login did not redirect to the client", back);
        var code = Query(back.Headers.Location!)["code"];
        var issuedAt = DateTimeOffset.UtcNow;
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = Redirect, ["client_id"] = client,
            ["code_verifier"] = verifier,
        };
        if (secret is not null)
        {
            form["client_secret"] = secret;
        }

        using var redeem = new FormUrlEncodedContent(form);
        using var token = await browser.PostAsync("connect/token", redeem, ct);
        Expect(token.StatusCode == HttpStatusCode.OK, email, "the token endpoint refused the code", token);
        var body = JsonNode.Parse(await token.Content.ReadAsStringAsync(ct))!;
        return new SignedIn(email, (string)body["access_token"]!, issuedAt);
    }

    /// <summary>A client-credentials token of the demo scripts client, for Catalog's admin API.</summary>
    public async Task<string> ScriptsTokenAsync(CancellationToken ct)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "agora-scripts", ["client_secret"] = "agora-scripts-secret",
            ["scope"] = "write:catalog",
        });
        using var response = await _http.PostAsync(new Uri(options.Identity, "connect/token"), form, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchException($"client-credentials token: {(int)response.StatusCode} {text}");
        }

        return (string)JsonNode.Parse(text)!["access_token"]!;
    }

    // ----------------------------------------------------------------- Catalog --

    public async Task<string> FirstCategoryAsync(CancellationToken ct)
    {
        var data = await GetDataAsync(new Uri(options.Catalog, "api/v1/categories"), null, ct);
        return (string)data.AsArray()[0]!["id"]!;
    }

    /// <summary>Creates an active product with <paramref name="stock"/> units (<c>POST /api/v1/products</c>).</summary>
    public async Task<string> CreateProductAsync(string token, string sku, string category, long priceKrw, int stock, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Catalog, "api/v1/products"))
        {
            Content = JsonContent.Create(new
            {
                sku, name = "Bench item " + sku, description = "Created by bench/orders", category_id = category,
                price = new { amount = priceKrw.ToString(System.Globalization.CultureInfo.InvariantCulture), currency = "KRW" },
                status = "active", initial_stock = stock,
            }, options: Json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new BenchException($"creating product {sku}: {(int)response.StatusCode} {text}");
        }

        return (string)JsonNode.Parse(text)!["data"]!["id"]!;
    }

    /// <summary>Units available and reserved (<c>GET /api/v1/products/{id}/inventory</c>).</summary>
    public async Task<(int Available, int Reserved)> InventoryAsync(string productId, CancellationToken ct)
    {
        var data = await GetDataAsync(new Uri(options.Catalog, $"api/v1/products/{productId}/inventory"), null, ct);
        return ((int)data["available"]!, (int)data["reserved"]!);
    }

    // ---------------------------------------------------------------- Ordering --

    /// <summary>Places one order; never throws for an HTTP or network failure (the result says what happened).</summary>
    public async Task<PlaceResult> PlaceOrderAsync(string token, string idempotencyKey, byte[] body, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Ordering, "api/v1/orders"))
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
            using var response = await _http.SendAsync(request, ct);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return new PlaceResult((int)response.StatusCode, null, ErrorCode(bytes));
            }

            using var doc = JsonDocument.Parse(bytes);
            return new PlaceResult(201, doc.RootElement.GetProperty("data").GetProperty("id").GetString(), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
        {
            return new PlaceResult(0, null, e.GetType().Name);
        }
    }

    /// <summary>
    /// The order placed with <paramref name="idempotencyKey"/> (<c>GET /api/v1/orders?idempotency_key=</c>), or null if
    /// none was; tried up to five times while the answer is a 5xx or nothing. Throws if it never answers.
    /// </summary>
    public async Task<string?> FindOrderByKeyAsync(string token, string idempotencyKey, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var data = await GetDataAsync(new Uri(options.Ordering, "api/v1/orders?idempotency_key=" + Uri.EscapeDataString(idempotencyKey)), token, ct);
                return data.AsArray().Select(o => (string?)o!["id"]).FirstOrDefault();
            }
            catch (Exception e) when (e is BenchException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested && attempt < 5)
            {
                await Task.Delay(TimeSpan.FromSeconds(2 * attempt), ct);
            }
        }
    }

    /// <summary>The order's stream (<c>GET /api/v1/orders/{id}/events</c>): every saga step with the time it was decided.</summary>
    public async Task<IReadOnlyList<OrderEventRow>> EventsAsync(string token, string orderId, CancellationToken ct)
    {
        var data = await GetDataAsync(new Uri(options.OrderingAdmin, $"api/v1/orders/{orderId}/events"), token, ct);
        return data.AsArray().Select(e => new OrderEventRow((int)e!["version"]!, (string)e["type"]!,
            DateTimeOffset.Parse((string)e["occurred_at"]!, System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>How many orders' sagas are in <paramref name="state"/> (staff: <c>GET /api/v1/admin/sagas?state=…&amp;per_page=1</c>).</summary>
    public async Task<long> CountSagasAsync(string adminToken, string state, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.OrderingAdmin, $"api/v1/admin/sagas?state={state}&per_page=1"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchException($"GET admin/sagas?state={state}: {(int)response.StatusCode} {text}", response.StatusCode);
        }

        return (long)JsonNode.Parse(text)!["pagination"]!["total"]!;
    }

    /// <summary>How many orders there are in all (staff: <c>GET /api/v1/orders?per_page=1</c> lists every customer's).</summary>
    public async Task<long> CountOrdersAsync(string adminToken, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.OrderingAdmin, "api/v1/orders?per_page=1"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchException($"GET orders?per_page=1: {(int)response.StatusCode} {text}", response.StatusCode);
        }

        return (long)JsonNode.Parse(text)!["pagination"]!["total"]!;
    }

    // ------------------------------------------------------------------ helpers --

    private async Task<JsonNode> GetDataAsync(Uri url, string? token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchException($"GET {url.PathAndQuery}: {(int)response.StatusCode} {text}", response.StatusCode);
        }

        return JsonNode.Parse(text)!["data"]!;
    }

    public static byte[] OrderBody(IReadOnlyList<(string ProductId, int Quantity)> lines, int customer) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            items = lines.Select(l => new { product_id = l.ProductId, quantity = l.Quantity }),
            shipping_address = new
            {
                recipient = "Bench Customer " + customer, phone = "+82-10-1234-5678", line1 = "123 Teheran-ro", city = "Seoul",
                postal_code = "06236", country = "KR",
            },
        }, Json);

    private static string? ErrorCode(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("error", out var e) && e.TryGetProperty("code", out var c) ? c.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Expect(bool condition, string who, string what, HttpResponseMessage response)
    {
        if (!condition)
        {
            throw new BenchException($"signing in {who}: {what} ({(int)response.StatusCode} {response.Headers.Location})");
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string InputValue(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"").Groups[1].Value);

    private static Dictionary<string, string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""));
}

/// <summary>The benchmark cannot go on (a service refused the setup, or a check failed).</summary>
public sealed class BenchException : Exception
{
    public BenchException(string message) : base(message)
    {
    }

    public BenchException(string message, HttpStatusCode status) : base(message) => Status = status;

    /// <summary>The status of the answer that stopped the benchmark, where there was one.</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>Whether asking again may help: the service answered 5xx (restarting, or a dependency down).</summary>
    public bool Transient => Status is >= HttpStatusCode.InternalServerError;

    public BenchException()
    {
    }

    public BenchException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
