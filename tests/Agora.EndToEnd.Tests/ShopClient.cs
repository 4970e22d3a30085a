using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Testing;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// A customer (or staff member) using the shop the AppHost started: signs in through Identity's real login page
/// (authorization code + PKCE), then calls the services with the access token.
/// </summary>
public sealed class ShopClient(AppHostFixture fixture, string token) : IDisposable
{
    /// <summary>The password of every customer <see cref="RegisterAsync"/> creates.</summary>
    public const string NewCustomerPassword = "E2e-Customer!2345";

    private readonly HttpClient _http = fixture.CreateHttpClient();

    public string Token { get; } = token;

    /// <summary>The signed-in user's id (<c>sub</c>), for a customer <see cref="RegisterAsync"/> created.</summary>
    public string? UserId { get; private set; }

    /// <summary>The signed-in user's email, as registered.</summary>
    public string? Email { get; private set; }

    /// <summary>Registers a new customer through Identity's public API and signs them in (a customer no other test knows).</summary>
    public static async Task<ShopClient> RegisterAsync(AppHostFixture fixture, string locale = "en")
    {
        var email = $"e2e-{Guid.NewGuid():N}@agora.test";
        using var http = fixture.CreateHttpClient();
        var registration = new JsonObject { ["name"] = "E2E Customer", ["email"] = email, ["password"] = NewCustomerPassword, ["locale"] = locale };
        using var content = new StringContent(registration.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(fixture.App.GetEndpoint("identity", "http"), "/api/v1/users"), content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var shop = await SignInAsync(fixture, email, NewCustomerPassword);
        shop.UserId = (string)JsonNode.Parse(text)!["data"]!["id"]!;
        shop.Email = email;
        return shop;
    }

    /// <summary>A Korean delivery address; a postal code no carrier serves (<c>00000</c>) makes the shipment fail.</summary>
    public static JsonObject Address(string postalCode = "06236") => new()
    {
        ["recipient"] = "Kim Minji", ["phone"] = "+82-10-1234-5678", ["line1"] = "123 Teheran-ro", ["city"] = "Seoul",
        ["postal_code"] = postalCode, ["country"] = "KR",
    };

    /// <summary><c>POST /api/v1/orders</c> with a fresh (or the given) <c>Idempotency-Key</c>; the raw answer.</summary>
    public Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> PostOrderAsync(
        string productId, int quantity, string postalCode = "06236", string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, "ordering", "/api/v1/orders", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["product_id"] = productId, ["quantity"] = quantity }),
            ["shipping_address"] = Address(postalCode),
        }, new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey ?? Guid.NewGuid().ToString() });

    /// <summary>Places an order (asserting 201) and returns its id.</summary>
    public async Task<string> PlaceOrderAsync(string productId, int quantity, string postalCode = "06236")
    {
        var (status, body, _) = await PostOrderAsync(productId, quantity, postalCode);
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        return (string)body["data"]!["id"]!;
    }

    /// <summary>Waits until the order's saga is over (completed, cancelled or failed) and returns the order.</summary>
    public Task<JsonNode> WaitForSagaEndAsync(string orderId, TimeSpan? timeout = null) =>
        WaitForOrderAsync(orderId, o => (string?)o["saga"]!["state"] is "completed" or "cancelled" or "failed", timeout ?? TimeSpan.FromSeconds(90));

    /// <summary>
    /// What the demo admin asks for through the back-office client (agora-admin, confidential): the roles claim and every
    /// staff scope. Staff scopes never reach a public client such as agora-web.
    /// </summary>
    public const string StaffScopes = "openid profile email roles read:users read:orders write:orders read:payments read:shipments read:notifications "
        + "read:catalog write:catalog write:inventory write:payments write:shipments admin:ops";

    /// <summary>The demo admin, signed in through the back-office client with <see cref="StaffScopes"/>.</summary>
    public static Task<ShopClient> SignInAsStaffAsync(AppHostFixture fixture, string scope = StaffScopes) =>
        SignInAsync(fixture, "admin@agora.local", "Admin!2345", scope, "agora-admin", "agora-admin-secret");

    public static async Task<ShopClient> SignInAsync(AppHostFixture fixture, string email, string password,
        string scope = "openid profile email read:orders write:orders read:payments read:shipments read:notifications",
        string client = OAuth.WebClient, string? secret = null)
    {
        using var handler = fixture.CreateBrowserHandler();
        using var browser = new HttpClient(handler)
        {
            BaseAddress = fixture.App.GetEndpoint("identity", "http"),
        };
        var (verifier, challenge) = OAuth.Pkce();
        var callback = await OAuth.SignInAndAuthorizeAsync(browser, OAuth.AuthorizeUrl(challenge, "shop", client: client, scope: scope), email, password);
        var (status, body) = await OAuth.RedeemAsync(browser, OAuth.Query(callback)["code"], verifier, clientId: client, secret: secret);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return new ShopClient(fixture, (string)body["access_token"]!);
    }

    public Uri Service(string name, string path) => new(fixture.Endpoint(name), path);

    public async Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string service, string path, JsonNode? body = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, Service(service, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!, response);
    }

    public async Task<JsonNode> GetDataAsync(string service, string path)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, service, path);
        Assert.True(status == HttpStatusCode.OK, $"GET {service}{path}: {(int)status} {body.ToJsonString()}");
        return body["data"]!;
    }

    /// <summary>Polls until <paramref name="done"/> holds for the order, or fails with the last state seen.</summary>
    public Task<JsonNode> WaitForOrderAsync(string orderId, Func<JsonNode, bool> done, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => GetDataAsync("ordering", $"/api/v1/orders/{orderId}"), done, $"order {orderId} to get there",
            timeout ?? TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));

    public void Dispose() => _http.Dispose();
}
