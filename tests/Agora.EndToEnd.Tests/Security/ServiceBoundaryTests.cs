using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Agora.EndToEnd.Tests.Security;

/// <summary>
/// The services' trust boundaries as an attacker meets them: through the gateway, with tokens the real Identity
/// issued. A customer's token cannot act as staff or as a service whatever scopes it carries, the admin role alone is
/// not staff, and products that are not for sale yet are not anyone's to read.
/// </summary>
public abstract class ServiceBoundaryTests(AppHostFixture fixture) : IDisposable
{
    private readonly HttpClient _gateway = fixture.CreateClient("gateway");

    public void Dispose()
    {
        _gateway.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The demo customer, asking the shop front for staff scopes (what item 1 of the attack did).</summary>
    private Task<ShopClient> CustomerAsking(string scope) =>
        ShopClient.SignInAsync(fixture, "customer@agora.local", "Customer!2345", "openid " + scope);

    private async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(HttpMethod method, string path, string? token, JsonNode? body = null,
        string mediaType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, mediaType);
        }

        using var response = await _gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!);
    }

    private static void AssertError((HttpStatusCode Status, JsonNode Body) response, HttpStatusCode status, string code)
    {
        Assert.True(response.Status == status, $"{(int)response.Status}: {response.Body.ToJsonString()}");
        Assert.Equal(code, (string?)response.Body["error"]?["code"]);
    }

    private async Task<JsonNode> FirstActiveProductAsync()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/api/v1/products?per_page=1&sort=price", null);
        Assert.Equal(HttpStatusCode.OK, status);
        return body["data"]![0]!;
    }

    [Fact]
    public async Task Customer_token_cannot_patch_a_product_price_through_the_gateway_403()
    {
        var product = await FirstActiveProductAsync();
        var id = (string)product["id"]!;
        using var customer = await CustomerAsking("write:catalog");

        var patched = await SendAsync(HttpMethod.Patch, $"/api/v1/products/{id}", customer.Token,
            new JsonObject { ["price"] = new JsonObject { ["amount"] = "1", ["currency"] = "KRW" } }, "application/merge-patch+json");

        AssertError(patched, HttpStatusCode.Forbidden, "FORBIDDEN");
        var (_, after) = await SendAsync(HttpMethod.Get, $"/api/v1/products/{id}", null);
        Assert.Equal((string?)product["price"]!["amount"], (string?)after["data"]!["price"]!["amount"]);
    }

    [Fact]
    public async Task Customer_token_cannot_move_or_hoard_stock_through_the_gateway_403()
    {
        var id = (string)(await FirstActiveProductAsync())["id"]!;
        using var customer = await CustomerAsking("write:catalog write:inventory");

        AssertError(await SendAsync(HttpMethod.Put, $"/api/v1/products/{id}/inventory", customer.Token, new JsonObject { ["available"] = 0 }),
            HttpStatusCode.Forbidden, "FORBIDDEN");
        AssertError(await SendAsync(HttpMethod.Post, "/api/v1/reservations", customer.Token, new JsonObject
        {
            ["ttl_seconds"] = 3600,
            ["lines"] = new JsonArray(new JsonObject { ["product_id"] = id, ["quantity"] = 10_000 }),
        }), HttpStatusCode.Forbidden, "FORBIDDEN");
        AssertError(await SendAsync(HttpMethod.Post, "/api/v1/reservations/ord_someone_else/release", customer.Token),
            HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task Admin_role_without_staff_scopes_cannot_list_every_customers_orders_through_the_gateway_403()
    {
        // The demo admin signed in to a client for "read:orders profile" only: no admin operations were granted.
        using var admin = await ShopClient.SignInAsync(fixture, "admin@agora.local", "Admin!2345", "openid profile read:orders");
        using var customer = await CustomerAsking("read:orders");
        var victim = (string)OAuthPayload(customer.Token)["sub"]!;

        AssertError(await SendAsync(HttpMethod.Get, $"/api/v1/orders?customer_id={victim}", admin.Token), HttpStatusCode.Forbidden, "FORBIDDEN");
        AssertError(await SendAsync(HttpMethod.Get, $"/api/v1/users/{victim}/orders", admin.Token), HttpStatusCode.NotFound, "USER_NOT_FOUND");
        AssertError(await SendAsync(HttpMethod.Get, "/api/v1/admin/ordering/sagas", admin.Token), HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task Customer_token_cannot_replay_dead_letters_through_the_gateway_403()
    {
        using var customer = await CustomerAsking("write:catalog write:inventory");
        foreach (var service in new[] { "catalog", "ordering", "payment" })
        {
            AssertError(await SendAsync(HttpMethod.Post, $"/api/v1/admin/{service}/dead-letters/replay", customer.Token, new JsonObject()),
                HttpStatusCode.Forbidden, "FORBIDDEN");
        }
    }

    [Fact]
    public async Task Anonymous_cannot_read_a_draft_product_through_the_gateway_404()
    {
        // A catalogue service (client credentials with write:catalog) sees the drafts; anonymous callers do not.
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "agora-scripts", ["client_secret"] = "agora-scripts-secret", ["scope"] = "write:catalog",
        });
        using var tokenResponse = await _gateway.PostAsync(new Uri("/connect/token", UriKind.Relative), form);
        var tokenText = await tokenResponse.Content.ReadAsStringAsync();
        Assert.True(tokenResponse.StatusCode == HttpStatusCode.OK, tokenText);
        var service = (string)JsonNode.Parse(tokenText)!["access_token"]!;

        var (status, drafts) = await SendAsync(HttpMethod.Get, "/api/v2/products?status=draft&per_page=1", service);
        Assert.True(status == HttpStatusCode.OK, drafts.ToJsonString());
        var draft = (string)drafts["data"]![0]!["id"]!;

        AssertError(await SendAsync(HttpMethod.Get, $"/api/v1/products/{draft}", null), HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        AssertError(await SendAsync(HttpMethod.Get, $"/api/v2/products/{draft}", null), HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        var (_, anonymousList) = await SendAsync(HttpMethod.Get, "/api/v2/products?status=draft&per_page=100", null);
        Assert.Empty(anonymousList["data"]!.AsArray());
    }

    private static JsonObject OAuthPayload(string jwt) => Agora.Testing.OAuth.Payload(jwt);
}

[Collection(AppHostCollection.Name)]
public sealed class EmbeddedServiceBoundaryTests(EmbeddedAppHostFixture fixture) : ServiceBoundaryTests(fixture);

[Collection(DistributedAppHostCollection.Name)]
public sealed class DistributedServiceBoundaryTests(DistributedAppHostFixture fixture) : ServiceBoundaryTests(fixture);
