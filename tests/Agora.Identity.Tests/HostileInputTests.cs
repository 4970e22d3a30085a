using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Agora.Testing;
using static Agora.Identity.Tests.UsersTestKit;

namespace Agora.Identity.Tests;

/// <summary>
/// Input that once answered 500 on the users API: a merge patch with a repeated member, a string that is not UTF-8 or
/// holds a lone surrogate escape; and a declared limit not enforced (<c>current_password</c> of 100 KB, hashed).
/// Each is a 400 or 422 in the error envelope and changes nothing, on SQLite and on PostgreSQL.
/// </summary>
public abstract class HostileInputBehaviour(IdentityFixture fixture)
{
    private static ByteArrayContent Bytes(byte[] body, string mediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private static async Task<HttpResponseMessage> PatchRawAsync(HttpClient api, string url, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = content };
        return await api.SendAsync(request);
    }

    [Fact]
    public async Task PatchUser_DuplicateKey_Is400InvalidJsonAndChangesNothing()
    {
        var me = await NewCustomerAsync(fixture, "Before Patch");
        var api = Api(fixture, me.Token);

        var response = await PatchRawAsync(api, "/api/v1/users/me", Json.Raw("""{"name":"a","name":"b"}""", "application/merge-patch+json"));

        var error = await response.AssertErrorAsync(400, "INVALID_JSON");
        Assert.Equal("name", (string?)error["details"]![0]!["field"]);
        Assert.Equal("Before Patch", (string?)(await BodyAsync(await api.GetAsync("/api/v1/users/me")))["data"]!["name"]);
    }

    [Fact]
    public async Task PatchUser_LoneSurrogateInName_Is400InvalidJson()
    {
        var me = await NewCustomerAsync(fixture, "Before Patch");
        var api = Api(fixture, me.Token);

        var response = await PatchRawAsync(api, "/api/v1/users/me", Json.Raw("""{"name":"Kim \ud800"}""", "application/merge-patch+json"));

        await response.AssertErrorAsync(400, "INVALID_JSON");
        Assert.Equal("Before Patch", (string?)(await BodyAsync(await api.GetAsync("/api/v1/users/me")))["data"]!["name"]);
    }

    [Fact]
    public async Task PatchUser_InvalidUtf8InName_Is400InvalidJson()
    {
        var me = await NewCustomerAsync(fixture, "Before Patch");
        var body = Encoding.UTF8.GetBytes("""{"name":"Kim ??"}""");
        body[^4] = 0xED; // an encoded surrogate (CESU-8): not UTF-8
        body[^3] = 0xA0;

        var response = await PatchRawAsync(Api(fixture, me.Token), "/api/v1/users/me", Bytes(body, "application/merge-patch+json"));

        await response.AssertErrorAsync(400, "INVALID_JSON");
    }

    [Fact]
    public async Task PostAddress_LoneSurrogateInLabel_Is400InvalidJsonAndStoresNothing()
    {
        var me = await NewCustomerAsync(fixture);
        var api = Api(fixture, me.Token);

        var response = await api.PostAsync("/api/v1/users/me/addresses", Json.Raw(
            """{"label":"\udfff","recipient":"Kim","line1":"12 Teheran-ro","city":"Seoul","country":"KR"}"""));

        await response.AssertErrorAsync(400, "INVALID_JSON");
        Assert.Empty((await BodyAsync(await api.GetAsync("/api/v1/users/me/addresses")))["data"]!.AsArray());
    }

    [Fact]
    public async Task PostAddress_InvalidUtf8InLabel_Is400InvalidJson()
    {
        var me = await NewCustomerAsync(fixture);
        var body = Encoding.UTF8.GetBytes("""{"label":"??","recipient":"Kim","line1":"12 Teheran-ro","city":"Seoul","country":"KR"}""");
        var at = Array.IndexOf(body, (byte)'?');
        body[at] = 0xC0; // an overlong encoding: not UTF-8
        body[at + 1] = 0xAF;

        using var content = Bytes(body, "application/json");
        var response = await Api(fixture, me.Token).PostAsync("/api/v1/users/me/addresses", content);

        await response.AssertErrorAsync(400, "INVALID_JSON");
    }

    [Fact]
    public async Task PatchUser_CurrentPasswordOverDeclaredLimit_Is422()
    {
        var me = await NewCustomerAsync(fixture);

        var response = await PatchAsync(Api(fixture, me.Token), "/api/v1/users/me",
            new { password = "A-New-Password-42", current_password = new string('p', 100 * 1024) });

        var error = await response.AssertErrorAsync(422, "VALIDATION_ERROR");
        Assert.Contains("current_password", error["details"]!.AsArray().Select(d => (string?)d!["field"]));
    }

    [Fact]
    public async Task PostAddress_OptionalFieldsLeftOut_IsCreated()
    {
        // The contract lists only recipient, line1, city and country as required; the rest may be left out.
        var me = await NewCustomerAsync(fixture);

        var response = await Api(fixture, me.Token).PostAsJsonAsync("/api/v1/users/me/addresses",
            new { recipient = "Kim", line1 = "12 Teheran-ro", city = "Seoul", country = "KR" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}

public sealed class EmbeddedHostileInputTests(EmbeddedIdentityFixture fixture)
    : HostileInputBehaviour(fixture), IClassFixture<EmbeddedIdentityFixture>;

public sealed class DistributedHostileInputTests(DistributedIdentityFixture fixture)
    : HostileInputBehaviour(fixture), IClassFixture<DistributedIdentityFixture>;
