using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Testing;

namespace Agora.EndToEnd.Tests.Security;

/// <summary>
/// Issue item 1 against the running shop: the demo customer signs in through the public web client (agora-web) asking
/// for a staff scope, and tries to reprice a product through the gateway. The scope is not granted, and the gateway's
/// Catalog refuses the change.
/// </summary>
public abstract class CustomerScopeTests(AppHostFixture fixture) : IDisposable
{
    private readonly HttpClient _gateway = fixture.CreateClient("gateway");

    public void Dispose()
    {
        _gateway.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Customer_cannot_mint_write_catalog_and_cannot_reprice_a_product_through_the_gateway()
    {
        using var handler = fixture.CreateBrowserHandler(); // with the harness's certificate when the hops are mutual TLS
        using var browser = new HttpClient(handler)
        {
            BaseAddress = fixture.App.GetEndpoint("identity", "http"),
        };
        var (verifier, challenge) = OAuth.Pkce();
        var callback = await OAuth.SignInAndAuthorizeAsync(browser, OAuth.AuthorizeUrl(challenge, "attack", scope: "openid write:catalog"),
            "customer@agora.local", "Customer!2345");
        var (status, tokens) = await OAuth.RedeemAsync(browser, OAuth.Query(callback)["code"], verifier);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        var token = (string)tokens["access_token"]!;
        var scopes = ((string?)OAuth.Payload(token)["scope"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain("write:catalog", scopes);

        using var products = await _gateway.GetAsync(new Uri("/api/v1/products?per_page=1&sort=price", UriKind.Relative));
        var product = JsonNode.Parse(await products.Content.ReadAsStringAsync())!["data"]![0]!;
        var id = (string)product["id"]!;
        var price = product["price"]!.ToJsonString();

        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}")
        {
            Content = new StringContent("""{"price":{"amount":"1","currency":"KRW"}}""", Encoding.UTF8, "application/merge-patch+json"),
        };
        patch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _gateway.SendAsync(patch);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("FORBIDDEN", (string?)JsonNode.Parse(body)!["error"]!["code"]);

        using var after = await _gateway.GetAsync(new Uri($"/api/v1/products/{id}", UriKind.Relative));
        Assert.Equal(price, JsonNode.Parse(await after.Content.ReadAsStringAsync())!["data"]!["price"]!.ToJsonString());
    }
}

[Collection(AppHostCollection.Name)]
public sealed class EmbeddedCustomerScopeTests(EmbeddedAppHostFixture fixture) : CustomerScopeTests(fixture);

[Collection(DistributedAppHostCollection.Name)]
public sealed class DistributedCustomerScopeTests(DistributedAppHostFixture fixture) : CustomerScopeTests(fixture);
