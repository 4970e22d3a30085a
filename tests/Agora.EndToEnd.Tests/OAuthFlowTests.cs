using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Testing;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// Identity's OAuth flows against the services the AppHost started (real processes, real ports, Identity's issuer
/// <c>http://localhost:5101/</c>), and Catalog validating the tokens with the keys it fetched from Identity.
/// </summary>
public abstract class OAuthFlowTests(AppHostFixture fixture)
{
    private Uri Identity => fixture.App.GetEndpoint("identity", "http");

    private Uri Catalog => fixture.App.GetEndpoint("catalog", "http");

    /// <summary>A browser: its own cookies, no automatic redirects (the flow looks at each hop).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The client owns its handler (disposeHandler), and the caller owns the client.")]
    private HttpClient Browser() => new(fixture.CreateBrowserHandler(), disposeHandler: true) { BaseAddress = Identity };

    [Fact]
    public async Task AuthorizationCodeWithPkce_LoginPageToRefreshRotation_AndReplayRevokesTheFamily()
    {
        using var browser = Browser();
        var (verifier, challenge) = OAuth.Pkce();
        var callback = await OAuth.SignInAndAuthorizeAsync(browser, OAuth.AuthorizeUrl(challenge, "e2e-state", scope: "openid profile offline_access read:users"),
            "customer@agora.local", "Customer!2345");
        var query = OAuth.Query(callback);
        Assert.StartsWith(OAuth.Redirect, callback.GetLeftPart(UriPartial.Path));
        Assert.Equal("e2e-state", query["state"]);
        Assert.Equal("http://localhost:5101/", query["iss"]); // the issuer Identity is configured with (RFC 9207)

        var (status, tokens) = await OAuth.RedeemAsync(browser, query["code"], verifier);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        var access = (string)tokens["access_token"]!;
        Assert.Equal("RS256", (string?)OAuth.Header(access)["alg"]);
        Assert.Equal("at+jwt", (string?)OAuth.Header(access)["typ"]);

        using var me = await SendAsync(HttpMethod.Get, new Uri(Identity, "/api/v1/users/me"), access);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("customer@agora.local", (string?)JsonNode.Parse(await me.Content.ReadAsStringAsync())!["data"]!["email"]);

        var refresh = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = OAuth.WebClient, ["refresh_token"] = (string)tokens["refresh_token"]!,
        };
        var (rotatedStatus, rotated) = await OAuth.TokenAsync(browser, refresh);
        Assert.Equal(HttpStatusCode.OK, rotatedStatus);
        var second = (string)rotated["refresh_token"]!;
        Assert.NotEqual(refresh["refresh_token"], second);

        var (replayStatus, replay) = await OAuth.TokenAsync(browser, refresh);
        Assert.Equal(HttpStatusCode.BadRequest, replayStatus);
        Assert.Equal("invalid_grant", (string?)replay["error"]);
        refresh["refresh_token"] = second;
        Assert.Equal(HttpStatusCode.BadRequest, (await OAuth.TokenAsync(browser, refresh)).Status);
    }

    [Fact]
    public async Task AuthorizationCode_WrongVerifierOrRedirectUriOrReuse_IsRefused_AndReuseRevokesWhatTheCodeIssued()
    {
        using var browser = Browser();
        var (verifier, challenge) = OAuth.Pkce();
        var callback = await OAuth.SignInAndAuthorizeAsync(browser, OAuth.AuthorizeUrl(challenge, "s1"), "customer@agora.local", "Customer!2345");
        var code = OAuth.Query(callback)["code"];
        var (status, body) = await OAuth.RedeemAsync(browser, code, verifier[..^1] + (verifier[^1] == 'A' ? 'B' : 'A'));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);

        (verifier, challenge) = OAuth.Pkce();
        using var third = Browser();
        callback = await OAuth.SignInAndAuthorizeAsync(third, OAuth.AuthorizeUrl(challenge, "s3"), "customer@agora.local", "Customer!2345");
        code = OAuth.Query(callback)["code"];
        var (firstStatus, tokens) = await OAuth.RedeemAsync(browser, code, verifier);
        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(HttpStatusCode.BadRequest, (await OAuth.RedeemAsync(browser, code, verifier)).Status);
        // RFC 6749 §4.1.2: a code used twice revokes the tokens it issued.
        var (refreshStatus, _) = await OAuth.TokenAsync(browser, new()
        {
            ["grant_type"] = "refresh_token", ["client_id"] = OAuth.WebClient, ["refresh_token"] = (string)tokens["refresh_token"]!,
        });
        Assert.Equal(HttpStatusCode.BadRequest, refreshStatus);

        (verifier, challenge) = OAuth.Pkce();
        using var other = Browser();
        callback = await OAuth.SignInAndAuthorizeAsync(other, OAuth.AuthorizeUrl(challenge, "s2"), "customer@agora.local", "Customer!2345");
        (status, _) = await OAuth.RedeemAsync(browser, OAuth.Query(callback)["code"], verifier, OAuth.Redirect + "x");
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task ClientCredentials_TokenWritesToCatalog_ForgedTokenDoesNot_RevokedTokenIsInactive()
    {
        using var identity = fixture.CreateClient("identity");
        var secret = new Dictionary<string, string> { ["client_id"] = "agora-scripts", ["client_secret"] = "agora-scripts-secret" };
        var (status, body) = await OAuth.TokenAsync(identity, new(secret) { ["grant_type"] = "client_credentials", ["scope"] = "write:catalog" });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        var token = (string)body["access_token"]!;

        using var categories = await SendAsync(HttpMethod.Get, new Uri(Catalog, "/api/v1/categories"), null);
        var categoryId = (string)JsonNode.Parse(await categories.Content.ReadAsStringAsync())!["data"]![0]!["id"]!;
        var product = new JsonObject
        {
            ["sku"] = "E2E-" + Guid.NewGuid().ToString("N")[..10], ["name"] = "E2E Kettle", ["category_id"] = categoryId,
            ["price"] = new JsonObject { ["amount"] = "12000", ["currency"] = "KRW" }, ["status"] = "active", ["initial_stock"] = 3,
        };
        using var created = await SendAsync(HttpMethod.Post, new Uri(Catalog, "/api/v1/products"), token, product);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

        var parts = token.Split('.');
        var payload = OAuth.Payload(token);
        payload["scope"] = "write:catalog admin";
        var tampered = parts[0] + "." + OAuth.Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString())) + "." + parts[2];
        product["sku"] = "E2E-" + Guid.NewGuid().ToString("N")[..10];
        using var forged = await SendAsync(HttpMethod.Post, new Uri(Catalog, "/api/v1/products"), tampered, product);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        using var revokeForm = new FormUrlEncodedContent(new Dictionary<string, string>(secret) { ["token"] = token });
        Assert.Equal(HttpStatusCode.OK, (await identity.PostAsync(new Uri("/connect/revoke", UriKind.Relative), revokeForm)).StatusCode);
        using var introspectForm = new FormUrlEncodedContent(new Dictionary<string, string>(secret) { ["token"] = token });
        using var introspect = await identity.PostAsync(new Uri("/connect/introspect", UriKind.Relative), introspectForm);
        Assert.False((bool)JsonNode.Parse(await introspect.Content.ReadAsStringAsync())!["active"]!);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, string? token, JsonNode? body = null)
    {
        using var client = fixture.CreateHttpClient();
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}

[Collection(AppHostCollection.Name)]
public sealed class EmbeddedOAuthFlowTests(EmbeddedAppHostFixture fixture) : OAuthFlowTests(fixture);

[Collection(DistributedAppHostCollection.Name)]
public sealed class DistributedOAuthFlowTests(DistributedAppHostFixture fixture) : OAuthFlowTests(fixture);
