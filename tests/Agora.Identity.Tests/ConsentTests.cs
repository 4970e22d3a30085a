using System.Net;
using Agora.Identity.Infrastructure;

namespace Agora.Identity.Tests;

/// <summary>Third-party clients need the user's consent, given once through a form with an antiforgery token.</summary>
public sealed class ConsentTests(EmbeddedIdentityFixture fixture) : IClassFixture<EmbeddedIdentityFixture>
{
    private const string PartnerRedirect = "http://localhost:4000/callback";

    private async Task<(HttpClient Browser, string ConsentPage)> ReachConsentAsync()
    {
        var browser = fixture.Browser();
        var (_, challenge) = OAuth.Pkce();
        var url = OAuth.AuthorizeUrl(challenge, "p-1", redirect: PartnerRedirect, client: DemoSeeder.PartnerClientId, scope: "profile read:orders");
        var login = await OAuth.SignInAndAuthorizeAsync(browser, url, DemoSeeder.CustomerEmail, DemoSeeder.CustomerPassword)
            .ContinueWith(t => t.IsFaulted ? null : t.Result);
        Assert.Null(login); // the partner does not get a code straight after login: the consent page comes first
        var page = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return (browser, await page.Content.ReadAsStringAsync());
    }

    private static FormUrlEncodedContent Answer(string page, string consent)
    {
        var fields = System.Text.RegularExpressions.Regex.Matches(page, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")
            .ToDictionary(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["consent"] = consent;
        return new FormUrlEncodedContent(fields);
    }

    [Fact]
    public async Task ThirdPartyClient_Granted_GetsCode()
    {
        var (browser, page) = await ReachConsentAsync();
        Assert.Contains("Demo partner app", page);
        Assert.Contains("read:orders", page);
        using var form = Answer(page, "grant");
        var response = await browser.PostAsync("/connect/authorize", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = OAuth.Query(response.Headers.Location!);
        Assert.True(query.ContainsKey("code"));
        Assert.Equal("p-1", query["state"]);
    }

    [Fact]
    public async Task ThirdPartyClient_Denied_GetsAccessDenied()
    {
        var (browser, page) = await ReachConsentAsync();
        using var form = Answer(page, "deny");
        var response = await browser.PostAsync("/connect/authorize", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("access_denied", OAuth.Query(response.Headers.Location!)["error"]);
    }

    [Fact]
    public async Task Consent_WithoutAntiforgeryToken_IsRefused()
    {
        var (browser, page) = await ReachConsentAsync();
        using var form = Answer(page, "grant");
        var fields = (await form.ReadAsStringAsync()).Split('&').Where(f => !f.StartsWith("__RequestVerificationToken", StringComparison.Ordinal));
        using var withoutToken = new StringContent(string.Join('&', fields), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await browser.PostAsync("/connect/authorize", withoutToken);
        Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
    }
}
