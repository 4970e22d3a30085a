using System.Net;
using Agora.Identity.Infrastructure;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Identity.Tests;

/// <summary>The authorization server as RFC 6749, 7636, 7009, 7662, 9207 and 9700 describe it, on each store.</summary>
public abstract class AuthorizationServerBehaviour(IdentityFixture fixture)
{
    private async Task<(HttpClient Browser, string Verifier, Uri Callback)> AuthorizeAsync(string state = "st-123")
    {
        var browser = fixture.Browser();
        var (verifier, challenge) = OAuth.Pkce();
        var callback = await OAuth.SignInAndAuthorizeAsync(browser, OAuth.AuthorizeUrl(challenge, state, scope: "openid profile offline_access write:orders"),
            DemoSeeder.CustomerEmail, DemoSeeder.CustomerPassword);
        return (browser, verifier, callback);
    }

    [Fact]
    public async Task AuthorizationCode_WithPkce_IssuesRs256AtJwtFor15Minutes()
    {
        var (browser, verifier, callback) = await AuthorizeAsync("state-xyz");
        Assert.StartsWith(OAuth.Redirect, callback.GetLeftPart(UriPartial.Path));
        var query = OAuth.Query(callback);
        Assert.Equal("state-xyz", query["state"]);
        Assert.Equal("http://localhost:5101/", query["iss"]); // RFC 9207
        var (status, body) = await OAuth.RedeemAsync(browser, query["code"], verifier);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        var token = (string)body["access_token"]!;
        var header = OAuth.Header(token);
        Assert.Equal("RS256", (string?)header["alg"]);
        Assert.Equal("at+jwt", (string?)header["typ"]);
        Assert.False(string.IsNullOrEmpty((string?)header["kid"]));
        var payload = OAuth.Payload(token);
        Assert.Equal("http://localhost:5101/", (string?)payload["iss"]);
        Assert.Equal("agora", payload["aud"] is System.Text.Json.Nodes.JsonArray a ? (string?)a[0] : (string?)payload["aud"]);
        Assert.StartsWith("usr_", (string?)payload["sub"]);
        Assert.Contains("write:orders", (string?)payload["scope"]);
        Assert.InRange((long)payload["exp"]! - (long)payload["iat"]!, 1, 15 * 60);
        Assert.NotNull(body["refresh_token"]);
        Assert.NotNull(body["id_token"]);
    }

    /// <summary>
    /// Behind the gateway, Identity's own host (its port requires a client certificate under mutual TLS) must never
    /// reach the browser: the login page is named relative to the host the browser came through. The distributed browser
    /// test found the absolute https://localhost:5101/account/login (ERR_EMPTY_RESPONSE in Chromium).
    /// </summary>
    [Fact]
    public async Task Authorize_SignedOut_SendsTheBrowserToTheLoginPageOnTheHostItCameThrough()
    {
        var browser = fixture.Browser();
        var (_, challenge) = OAuth.Pkce();
        var response = await browser.GetAsync(OAuth.AuthorizeUrl(challenge, "st-relative"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var login = response.Headers.Location!;
        Assert.False(login.IsAbsoluteUri, $"the login redirect names a host: {login}");
        Assert.StartsWith("/account/login?ReturnUrl=%2Fconnect%2Fauthorize", login.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizationCode_WrongVerifier_IsInvalidGrant()
    {
        var (browser, _, callback) = await AuthorizeAsync();
        var (status, body) = await OAuth.RedeemAsync(browser, OAuth.Query(callback)["code"], OAuth.Pkce().Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
    }

    [Fact]
    public async Task AuthorizationCode_Reused_IsInvalidGrant()
    {
        var (browser, verifier, callback) = await AuthorizeAsync();
        var code = OAuth.Query(callback)["code"];
        Assert.Equal(HttpStatusCode.OK, (await OAuth.RedeemAsync(browser, code, verifier)).Status);
        var (status, body) = await OAuth.RedeemAsync(browser, code, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
    }

    [Fact]
    public async Task Authorize_RedirectUriOffByOneCharacter_IsRejectedWithoutRedirect()
    {
        var browser = fixture.Browser();
        var (_, challenge) = OAuth.Pkce();
        var response = await browser.GetAsync(OAuth.AuthorizeUrl(challenge, "s", redirect: OAuth.Redirect + "x"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("plain")]
    public async Task Authorize_WithoutS256Challenge_IsInvalidRequest(string? method)
    {
        var browser = fixture.Browser();
        var (verifier, challenge) = OAuth.Pkce();
        var url = method == "plain" ? OAuth.AuthorizeUrl(verifier, "s", method: "plain") : OAuth.AuthorizeUrl("", "s", method: null);
        var response = await browser.GetAsync(url);
        // OpenIddict checks PKCE before it has validated the redirect URI, so it answers the user agent directly
        // (RFC 6749 §4.1.2.1 forbids redirecting to an unvalidated URI) with invalid_request and never issues a code.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("error:invalid_request", await response.Content.ReadAsStringAsync());
        _ = challenge;
    }

    [Fact]
    public async Task RefreshToken_Rotates_AndReplayRevokesTheFamily()
    {
        var (browser, verifier, callback) = await AuthorizeAsync();
        var (_, tokens) = await OAuth.RedeemAsync(browser, OAuth.Query(callback)["code"], verifier);
        var first = (string)tokens["refresh_token"]!;
        var refresh = new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["client_id"] = OAuth.WebClient, ["refresh_token"] = first };
        var (status, rotated) = await OAuth.TokenAsync(browser, refresh);
        Assert.Equal(HttpStatusCode.OK, status);
        var second = (string)rotated["refresh_token"]!;
        Assert.NotEqual(first, second);

        var (replayStatus, replay) = await OAuth.TokenAsync(browser, refresh);
        Assert.Equal(HttpStatusCode.BadRequest, replayStatus);
        Assert.Equal("invalid_grant", (string?)replay["error"]);

        refresh["refresh_token"] = second;
        var (familyStatus, _) = await OAuth.TokenAsync(browser, refresh);
        Assert.Equal(HttpStatusCode.BadRequest, familyStatus); // the replay revoked the whole authorization
    }

    private static Dictionary<string, string> Scripts(Dictionary<string, string> form)
    {
        form["client_id"] = DemoSeeder.ScriptsClientId;
        form["client_secret"] = DemoSeeder.ScriptsClientSecret;
        return form;
    }

    [Fact]
    public async Task ClientCredentials_IssuesTokenWithRequestedScopes_AndIntrospectionRevocationAgree()
    {
        var client = fixture.App.CreateClient();
        var (status, body) = await OAuth.TokenAsync(client, Scripts(new() { ["grant_type"] = "client_credentials", ["scope"] = "write:catalog read:users" }));
        Assert.Equal(HttpStatusCode.OK, status);
        var token = (string)body["access_token"]!;
        var payload = OAuth.Payload(token);
        Assert.Equal(DemoSeeder.ScriptsClientId, (string?)payload["sub"]);
        Assert.Equal("write:catalog read:users", (string?)payload["scope"]);

        using var introspectForm = new FormUrlEncodedContent(Scripts(new() { ["token"] = token }));
        var introspect = await client.PostAsync("/connect/introspect", introspectForm);
        var active = System.Text.Json.Nodes.JsonNode.Parse(await introspect.Content.ReadAsStringAsync())!;
        Assert.True((bool)active["active"]!);

        using var revokeForm = new FormUrlEncodedContent(Scripts(new() { ["token"] = token }));
        var revoke = await client.PostAsync("/connect/revoke", revokeForm);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var againForm = new FormUrlEncodedContent(Scripts(new() { ["token"] = token }));
        introspect = await client.PostAsync("/connect/introspect", againForm);
        Assert.False((bool)System.Text.Json.Nodes.JsonNode.Parse(await introspect.Content.ReadAsStringAsync())!["active"]!);
    }

    [Fact]
    public async Task ClientCredentials_WrongSecretOrUnknownScope_Fails()
    {
        var client = fixture.App.CreateClient();
        var (status, body) = await OAuth.TokenAsync(client, new()
        {
            ["grant_type"] = "client_credentials", ["client_id"] = DemoSeeder.ScriptsClientId, ["client_secret"] = "wrong",
        });
        Assert.Equal(HttpStatusCode.BadRequest, status == HttpStatusCode.Unauthorized ? HttpStatusCode.BadRequest : status);
        Assert.Equal("invalid_client", (string?)body["error"]);
        (status, body) = await OAuth.TokenAsync(client, Scripts(new() { ["grant_type"] = "client_credentials", ["scope"] = "root:everything" }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_scope", (string?)body["error"]);
    }

    [Fact]
    public async Task ClientSecret_RememberedAfterSuccess_ButAChangedOrWrongSecretIsRefusedAtOnce()
    {
        var clientId = "rotating-" + Guid.NewGuid().ToString("N")[..8];
        using (var scope = fixture.App.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>().CreateAsync(
                new OpenIddict.Abstractions.OpenIddictApplicationDescriptor
                {
                    ClientId = clientId, ClientSecret = "first-secret-0123456789", ClientType = OpenIddict.Abstractions.OpenIddictConstants.ClientTypes.Confidential,
                    Permissions =
                    {
                        OpenIddict.Abstractions.OpenIddictConstants.Permissions.Endpoints.Token,
                        OpenIddict.Abstractions.OpenIddictConstants.Permissions.GrantTypes.ClientCredentials,
                        OpenIddict.Abstractions.OpenIddictConstants.Permissions.Prefixes.Scope + "read:catalog",
                    },
                });
        }

        var client = fixture.App.CreateClient();
        Dictionary<string, string> Form(string secret) => new()
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "read:catalog",
        };
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await OAuth.TokenAsync(client, Form("first-secret-0123456789"))).Status);
        }

        Assert.Equal("invalid_client", (string?)(await OAuth.TokenAsync(client, Form("first-secret-012345678"))).Body["error"]);

        using (var scope = fixture.App.Services.CreateScope())
        {
            var manager = scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>();
            var application = await manager.FindByClientIdAsync(clientId) ?? throw new InvalidOperationException("client vanished");
            await manager.UpdateAsync(application, "second-secret-0123456789");
        }

        Assert.Equal("invalid_client", (string?)(await OAuth.TokenAsync(client, Form("first-secret-0123456789"))).Body["error"]);
        Assert.Equal(HttpStatusCode.OK, (await OAuth.TokenAsync(client, Form("second-secret-0123456789"))).Status);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("implicit")]
    public async Task Token_PasswordOrImplicitGrant_IsUnsupported(string grant)
    {
        var client = fixture.App.CreateClient();
        var (status, body) = await OAuth.TokenAsync(client, Scripts(new()
        {
            ["grant_type"] = grant, ["username"] = DemoSeeder.CustomerEmail, ["password"] = DemoSeeder.CustomerPassword,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unsupported_grant_type", (string?)body["error"]);
    }

    [Fact]
    public async Task Login_WrongPassword_ShowsErrorAndSetsNoSession()
    {
        var browser = fixture.Browser();
        var page = await browser.GetStringAsync("/account/login?returnUrl=/");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = OAuth.InputValue(page, "__RequestVerificationToken"),
            ["return_url"] = "/", ["email"] = DemoSeeder.CustomerEmail, ["password"] = "nope",
        });
        var response = await browser.PostAsync("/account/login", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Wrong email or password", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Login_WithoutAntiforgeryToken_IsRefused()
    {
        var browser = fixture.Browser();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["return_url"] = "/", ["email"] = DemoSeeder.CustomerEmail, ["password"] = DemoSeeder.CustomerPassword,
        });
        var response = await browser.PostAsync("/account/login", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("agora.login", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Discovery_AndJwks_PublishRs256KeysOnly()
    {
        var client = fixture.App.CreateClient();
        var discovery = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/.well-known/openid-configuration"))!;
        Assert.Equal(["S256"], discovery["code_challenge_methods_supported"]!.AsArray().Select(x => (string)x!));
        Assert.DoesNotContain("password", discovery["grant_types_supported"]!.AsArray().Select(x => (string)x!));
        Assert.DoesNotContain("implicit", discovery["grant_types_supported"]!.AsArray().Select(x => (string)x!));
        var jwks = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/.well-known/jwks"))!["keys"]!.AsArray();
        Assert.True(jwks.Count >= 2, "current and next key published");
        Assert.All(jwks, k => Assert.Equal("RSA", (string?)k!["kty"]));
        Assert.All(jwks, k => Assert.Null(k!["d"])); // never the private part
    }
}

public sealed class EmbeddedAuthorizationServerTests(EmbeddedIdentityFixture fixture)
    : AuthorizationServerBehaviour(fixture), IClassFixture<EmbeddedIdentityFixture>;

public sealed class DistributedAuthorizationServerTests(DistributedIdentityFixture fixture)
    : AuthorizationServerBehaviour(fixture), IClassFixture<DistributedIdentityFixture>;
