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
    private readonly HttpClient _http = new();

    public string Token { get; } = token;

    public static async Task<ShopClient> SignInAsync(AppHostFixture fixture, string email, string password,
        string scope = "openid profile email read:orders write:orders read:payments read:shipments read:notifications")
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = fixture.App.GetEndpoint("identity", "http"),
        };
        var (verifier, challenge) = OAuth.Pkce();
        var callback = await OAuth.SignInAndAuthorizeAsync(browser, OAuth.AuthorizeUrl(challenge, "shop", scope: scope), email, password);
        var (status, body) = await OAuth.RedeemAsync(browser, OAuth.Query(callback)["code"], verifier);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return new ShopClient(fixture, (string)body["access_token"]!);
    }

    public Uri Service(string name, string path) => new(fixture.App.GetEndpoint(name, "http"), path);

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
    public async Task<JsonNode> WaitForOrderAsync(string orderId, Func<JsonNode, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        JsonNode order;
        do
        {
            order = await GetDataAsync("ordering", $"/api/v1/orders/{orderId}");
            if (done(order))
            {
                return order;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"Order {orderId} did not get there in time; last seen: {order.ToJsonString()}");
        return order;
    }

    public void Dispose() => _http.Dispose();
}
