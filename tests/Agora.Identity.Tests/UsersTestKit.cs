using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Identity.Infrastructure;

namespace Agora.Identity.Tests;

/// <summary>An account made for one test: registered over REST, signed in through the real authorization code flow.</summary>
public sealed record TestAccount(string Id, string Email, string Password, string Token);

/// <summary>Real tokens from the real flows, and a small client for the users API.</summary>
public static class UsersTestKit
{
    public const string UserScopes = "openid read:users write:users";
    public const string Password = "Correct-Horse-42";

    /// <summary>A client-credentials token of the demo service client (agora-scripts).</summary>
    public static async Task<string> ServiceTokenAsync(IdentityFixture fixture, string scope = "read:users write:users")
    {
        var (status, body) = await OAuth.TokenAsync(fixture.App.CreateClient(), new()
        {
            ["grant_type"] = "client_credentials", ["client_id"] = DemoSeeder.ScriptsClientId,
            ["client_secret"] = DemoSeeder.ScriptsClientSecret, ["scope"] = scope,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return (string)body["access_token"]!;
    }

    /// <summary>Authorization code + PKCE as agora-web, logging in with the given credentials.</summary>
    public static async Task<string> SignInAsync(IdentityFixture fixture, string email, string password, string scope = UserScopes) =>
        (string)(await SignInForTokensAsync(fixture, email, password, scope))["access_token"]!;

    /// <summary>
    /// Authorization code + PKCE as <paramref name="client"/> (agora-web by default; a confidential client, such as the
    /// back office agora-admin, redeems the code with its secret). The whole token response.
    /// </summary>
    public static async Task<System.Text.Json.Nodes.JsonObject> SignInForTokensAsync(IdentityFixture fixture, string email, string password,
        string scope = UserScopes, string client = OAuth.WebClient, string? secret = null, HttpClient? browser = null)
    {
        browser ??= fixture.Browser();
        var (verifier, challenge) = OAuth.Pkce();
        var callback = await OAuth.SignInAndAuthorizeAsync(browser, OAuth.AuthorizeUrl(challenge, "st", client: client, scope: scope), email, password);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = OAuth.Query(callback)["code"], ["redirect_uri"] = OAuth.Redirect,
            ["client_id"] = client, ["code_verifier"] = verifier,
        };
        if (secret is not null)
        {
            form["client_secret"] = secret;
        }

        var (status, body) = await OAuth.TokenAsync(browser, form);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    /// <summary>Staff scopes for the demo admin through the back-office client (agora-admin).</summary>
    public const string StaffScopes = "openid roles read:users write:users admin:ops";

    /// <summary>The demo admin through the back-office client: role admin and the staff scope admin:ops.</summary>
    public static async Task<string> AdminTokenAsync(IdentityFixture fixture, string scope = StaffScopes) =>
        (string)(await SignInForTokensAsync(fixture, DemoSeeder.AdminEmail, DemoSeeder.AdminPassword, scope,
            DemoSeeder.AdminClientId, DemoSeeder.AdminClientSecret))["access_token"]!;

    public static string NewEmail(string prefix = "user") => $"{prefix}.{Guid.NewGuid():N}@example.com";

    public static Task<HttpResponseMessage> RegisterAsync(IdentityFixture fixture, object body) =>
        fixture.App.CreateClient().PostAsJsonAsync("/api/v1/users", body);

    /// <summary>Registers a customer and signs them in.</summary>
    public static async Task<TestAccount> NewCustomerAsync(IdentityFixture fixture, string? name = null, string scope = UserScopes)
    {
        var email = NewEmail();
        var response = await RegisterAsync(fixture, new { name = name ?? "Test Customer", email, password = Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (string)(await BodyAsync(response))["data"]!["id"]!;
        return new TestAccount(id, email, Password, await SignInAsync(fixture, email, Password, scope));
    }

    /// <summary>A client of the API with a bearer token (none when null).</summary>
    public static HttpClient Api(IdentityFixture fixture, string? token)
    {
        var client = fixture.App.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public static async Task<JsonNode> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("Empty body.");
    }

    public static async Task<string?> ErrorCodeAsync(HttpResponseMessage response) =>
        (string?)(await BodyAsync(response))["error"]?["code"];

    public static async Task<string[]> ErrorFieldsAsync(HttpResponseMessage response) =>
        (await BodyAsync(response))["error"]!["details"]!.AsArray().Select(d => (string)d!["field"]!).ToArray();

    public static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string url, object patch, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, url)
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(patch), Encoding.UTF8, "application/merge-patch+json"),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    public static object Address(string label = "Home", bool? isDefault = null) => new
    {
        label, recipient = "Kim Minsu", line1 = "12 Teheran-ro", line2 = "Apt 301", city = "Seoul", postal_code = "06234",
        country = "KR", phone = "+82 10-1234-5678", is_default = isDefault,
    };
}
