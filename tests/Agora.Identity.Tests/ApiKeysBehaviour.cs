using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Identity.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Agora.Identity.Tests.UsersTestKit;

namespace Agora.Identity.Tests;

/// <summary>
/// Partner API keys: created and revoked by administrators, shown once, stored hashed, verified by services from the
/// <c>X-API-Key</c> header only.
/// </summary>
public abstract class ApiKeysBehaviour(IdentityFixture fixture)
{
    private const string Url = "/api/v1/api-keys";
    private const string VerifyScope = "verify:api-keys";

    private async Task<HttpClient> AdminAsync() => Api(fixture, await AdminTokenAsync(fixture));

    private static async Task<(string Id, string Key, HttpResponseMessage Response)> CreateAsync(HttpClient admin, string name = "Partner", string[]? scopes = null,
        DateTime? expiresAt = null)
    {
        var response = await admin.PostAsJsonAsync(Url, new { name, scopes = scopes ?? ["read:catalog", "read:orders"], expires_at = expiresAt });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var data = (await BodyAsync(response))["data"]!;
        return ((string)data["id"]!, (string)data["key"]!, response);
    }

    private async Task<HttpResponseMessage> VerifyAsync(string? key, string query = "")
    {
        var client = Api(fixture, await ServiceTokenAsync(fixture, VerifyScope));
        using var request = new HttpRequestMessage(HttpMethod.Post, Url + "/verify" + query);
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        return await client.SendAsync(request);
    }

    private async Task<JsonNode> VerifiedAsync(string key)
    {
        var response = await VerifyAsync(key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await BodyAsync(response))["data"]!;
    }

    [Fact]
    public async Task Create_ShowsTheKeyOnce_StoresOnlyItsHash()
    {
        var admin = await AdminAsync();
        var (id, key, response) = await CreateAsync(admin, "Shown once", ["read:catalog"]);
        Assert.StartsWith("key_", id);
        Assert.Matches("^agk_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal($"{Url}/{id}", response.Headers.Location!.OriginalString);
        var created = (await BodyAsync(response))["data"]!;
        Assert.Equal(key.Substring(4, 8), (string?)created["prefix"]);
        Assert.Equal("active", (string?)created["status"]);
        Assert.Equal(["read:catalog"], created["scopes"]!.AsArray().Select(s => (string)s!));

        var one = await admin.GetAsync($"{Url}/{id}");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        var oneText = await one.Content.ReadAsStringAsync();
        Assert.DoesNotContain(key, oneText);
        Assert.DoesNotContain(key[13..], oneText);
        Assert.Null(JsonNode.Parse(oneText)!["data"]!["key"]);
        Assert.Null(JsonNode.Parse(oneText)!["data"]!["hash"]);

        var list = await admin.GetStringAsync(Url);
        Assert.DoesNotContain(key[13..], list);
        var listed = JsonNode.Parse(list)!["data"]!.AsArray().Single(k => (string?)k!["id"] == id)!;
        Assert.Equal("Shown once", (string?)listed["name"]);
        Assert.Null(listed["hash"]);

        using var scope = fixture.App.Services.CreateScope();
        var row = await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id);
        Assert.NotEqual(key, row.Hash);
        Assert.Equal(64, row.Hash.Length);
        string?[] columns = [row.Id, row.Name, row.Prefix, row.Hash, row.Scopes, row.CreatedBy];
        Assert.All(columns, c => Assert.DoesNotContain(key[13..], c ?? ""));
        Assert.NotNull(row.CreatedBy);
        Assert.StartsWith("usr_", row.CreatedBy);
    }

    [Fact]
    public async Task Verify_ActiveKey_ReturnsItsScopes_AndRecordsTheUse()
    {
        var admin = await AdminAsync();
        var (id, key, _) = await CreateAsync(admin, "Verifier", ["read:catalog", "write:orders"]);
        var data = await VerifiedAsync(key);
        Assert.True((bool)data["active"]!);
        Assert.Equal(id, (string?)data["key_id"]);
        Assert.Equal("Verifier", (string?)data["name"]);
        Assert.Equal(["read:catalog", "write:orders"], data["scopes"]!.AsArray().Select(s => (string)s!));

        var shown = (await BodyAsync(await admin.GetAsync($"{Url}/{id}")))["data"]!;
        Assert.NotNull((string?)shown["last_used_at"]);
    }

    [Fact]
    public async Task Verify_UnknownOrMalformedKey_IsInactive()
    {
        var (_, key, _) = await CreateAsync(await AdminAsync());
        var tampered = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');
        Assert.False((bool)(await VerifiedAsync(tampered))["active"]!);
        var garbage = await VerifiedAsync("not-a-key");
        Assert.False((bool)garbage["active"]!);
        Assert.Null(garbage["key_id"]);
    }

    [Fact]
    public async Task Revoke_ThenVerify_IsInactive_AndRevokeIsIdempotent()
    {
        var admin = await AdminAsync();
        var (id, key, _) = await CreateAsync(admin);
        Assert.True((bool)(await VerifiedAsync(key))["active"]!);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{Url}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{Url}/{id}")).StatusCode);
        Assert.False((bool)(await VerifiedAsync(key))["active"]!);
        Assert.Equal("revoked", (string?)(await BodyAsync(await admin.GetAsync($"{Url}/{id}")))["data"]!["status"]);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"{Url}/key_doesnotexist")).StatusCode);
    }

    [Fact]
    public async Task ExpiredKey_IsInactive()
    {
        var admin = await AdminAsync();
        var (id, key, _) = await CreateAsync(admin, expiresAt: DateTime.UtcNow.AddDays(30));
        Assert.True((bool)(await VerifiedAsync(key))["active"]!);
        using (var scope = fixture.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
            var past = DateTime.UtcNow.AddMinutes(-1);
            await db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, past));
        }

        Assert.False((bool)(await VerifiedAsync(key))["active"]!);
        Assert.Equal("expired", (string?)(await BodyAsync(await admin.GetAsync($"{Url}/{id}")))["data"]!["status"]);
    }

    [Theory]
    [InlineData("api_key")]
    [InlineData("key")]
    public async Task Verify_KeyInTheQueryString_Returns400(string parameter)
    {
        var (_, key, _) = await CreateAsync(await AdminAsync());
        var response = await VerifyAsync(key, $"?{parameter}={Uri.EscapeDataString(key)}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("API_KEY_IN_URL", await ErrorCodeAsync(response));
        var alone = await VerifyAsync(null, $"?{parameter}={Uri.EscapeDataString(key)}");
        Assert.Equal(HttpStatusCode.BadRequest, alone.StatusCode);
    }

    [Fact]
    public async Task Verify_NeedsAServiceTokenWithTheVerifyScope()
    {
        var anonymous = await fixture.App.CreateClient().PostAsync(Url + "/verify", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var wrongScope = await Api(fixture, await ServiceTokenAsync(fixture, "read:users")).PostAsync(Url + "/verify", null);
        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.StatusCode);
    }

    [Fact]
    public async Task Create_WithoutToken_Returns401()
    {
        var response = await fixture.App.CreateClient().PostAsJsonAsync(Url, new { name = "x", scopes = new[] { "read:catalog" } });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.App.CreateClient().GetAsync(Url)).StatusCode);
    }

    [Fact]
    public async Task Create_AsNonAdmin_Returns403()
    {
        var customer = await NewCustomerAsync(fixture);
        var response = await Api(fixture, customer.Token).PostAsJsonAsync(Url, new { name = "x", scopes = new[] { "read:catalog" } });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("FORBIDDEN", await ErrorCodeAsync(response));
        Assert.Equal(HttpStatusCode.Forbidden, (await Api(fixture, customer.Token).GetAsync(Url)).StatusCode);
        var service = await Api(fixture, await ServiceTokenAsync(fixture)).PostAsJsonAsync(Url, new { name = "x", scopes = new[] { "read:catalog" } });
        Assert.Equal(HttpStatusCode.Forbidden, service.StatusCode);
    }

    [Fact]
    public async Task Create_UnknownScopeOrEmptyName_Returns422()
    {
        var admin = await AdminAsync();
        var response = await admin.PostAsJsonAsync(Url, new { name = " ", scopes = new[] { "read:catalog", "root:everything" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("VALIDATION_ERROR", await ErrorCodeAsync(response));
        var fields = await ErrorFieldsAsync(response);
        Assert.Contains("name", fields);
        Assert.Contains("scopes", fields);
        var past = await admin.PostAsJsonAsync(Url, new { name = "Past", scopes = new[] { "read:catalog" }, expires_at = DateTime.UtcNow.AddDays(-1) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, past.StatusCode);
        Assert.Contains("expires_at", await ErrorFieldsAsync(past));
    }
}

public sealed class EmbeddedApiKeysTests(EmbeddedIdentityFixture fixture) : ApiKeysBehaviour(fixture), IClassFixture<EmbeddedIdentityFixture>;

public sealed class DistributedApiKeysTests(DistributedIdentityFixture fixture) : ApiKeysBehaviour(fixture), IClassFixture<DistributedIdentityFixture>;
