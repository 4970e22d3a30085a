using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Agora.Testing;

/// <summary>
/// A public OAuth client doing the authorization code flow with PKCE the way a real one does (Identity's own tests and
/// the end-to-end tests against the AppHost share it). Relative URLs: give it a client whose base address is Identity.
/// </summary>
public static partial class OAuth
{
    public const string WebClient = "agora-web";
    public const string Redirect = "http://localhost:3000/callback";

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string AuthorizeUrl(string challenge, string state, string redirect = Redirect, string client = WebClient,
        string scope = "openid profile offline_access write:catalog", string? method = "S256") =>
        "/connect/authorize?response_type=code&client_id=" + client + "&redirect_uri=" + Uri.EscapeDataString(redirect)
        + "&scope=" + Uri.EscapeDataString(scope) + "&state=" + state
        + (challenge.Length > 0 ? "&code_challenge=" + challenge : "") + (method is null ? "" : "&code_challenge_method=" + method);

    /// <summary>Authorize → login page → post the form with its antiforgery token → back to authorize → redirect with a code.</summary>
    public static async Task<Uri> SignInAndAuthorizeAsync(HttpClient browser, string authorizeUrl, string email, string password)
    {
        var first = await browser.GetAsync(authorizeUrl);
        Expect(first.StatusCode == HttpStatusCode.Redirect, $"authorize answered {(int)first.StatusCode}, not a redirect to the login page");
        var login = first.Headers.Location!;
        Expect((login.IsAbsoluteUri ? login.AbsolutePath : login.OriginalString.Split('?')[0]) == "/account/login", $"authorize redirected to {login}, not the login page");

        var page = await browser.GetStringAsync(login);
        var token = InputValue(page, "__RequestVerificationToken");
        var returnUrl = InputValue(page, "return_url");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["return_url"] = returnUrl, ["email"] = email, ["password"] = password,
        });
        var posted = await browser.PostAsync("/account/login", form);
        Expect(posted.StatusCode == HttpStatusCode.Redirect, $"the login form answered {(int)posted.StatusCode}, not a redirect");

        var back = await browser.GetAsync(posted.Headers.Location);
        Expect(back.StatusCode == HttpStatusCode.Redirect, $"authorize after login answered {(int)back.StatusCode}, not a redirect to the client");
        return back.Headers.Location!;
    }

    public static string InputValue(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"").Groups[1].Value);

    public static Dictionary<string, string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""));

    public static async Task<(HttpStatusCode Status, JsonObject Body)> TokenAsync(HttpClient client, Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        var response = await client.PostAsync("/connect/token", content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    /// <summary>Redeems a code as <paramref name="client"/> (agora-web); a confidential client sends its <paramref name="secret"/>.</summary>
    public static Task<(HttpStatusCode Status, JsonObject Body)> RedeemAsync(HttpClient client, string code, string verifier, string redirect = Redirect,
        string clientId = WebClient, string? secret = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirect, ["client_id"] = clientId, ["code_verifier"] = verifier,
        };
        if (secret is not null)
        {
            form["client_secret"] = secret;
        }

        return TokenAsync(client, form);
    }

    public static JsonObject Payload(string jwt) => JsonNode.Parse(Encoding.UTF8.GetString(FromBase64Url(jwt.Split('.')[1])))!.AsObject();

    public static JsonObject Header(string jwt) => JsonNode.Parse(Encoding.UTF8.GetString(FromBase64Url(jwt.Split('.')[0])))!.AsObject();

    public static byte[] FromBase64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
