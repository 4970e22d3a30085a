using Agora.Identity.Features.Keys;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Agora.Hosting;
using Agora.Identity.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Identity.Tests;

/// <summary>Signing-key rotation: published before it signs, kept published until its tokens expire.</summary>
public abstract class KeyRotationBehaviour(IdentityFixture fixture)
{
    private async Task<string> ClientTokenAsync(string scope = "read:users")
    {
        var (status, body) = await OAuth.TokenAsync(fixture.App.CreateClient(), new()
        {
            ["grant_type"] = "client_credentials", ["client_id"] = DemoSeeder.ScriptsClientId,
            ["client_secret"] = DemoSeeder.ScriptsClientSecret, ["scope"] = scope,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        return (string)body["access_token"]!;
    }

    private async Task<List<string>> JwksKidsAsync() =>
        JsonNode.Parse(await fixture.App.CreateClient().GetStringAsync("/.well-known/jwks"))!["keys"]!.AsArray()
            .Select(k => (string)k!["kid"]!).ToList();

    private async Task<bool> ActiveAsync(string token)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["client_id"] = DemoSeeder.ScriptsClientId, ["client_secret"] = DemoSeeder.ScriptsClientSecret,
        });
        var response = await fixture.App.CreateClient().PostAsync("/connect/introspect", form);
        return (bool)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["active"]!;
    }

    [Fact]
    public async Task Rotate_NewTokensUseThePublishedNextKey_OldTokensStayValid()
    {
        var before = await ClientTokenAsync();
        var oldKid = (string)OAuth.Header(before)["kid"]!;
        string upcoming;
        using (var scope = fixture.App.Services.CreateScope())
        {
            upcoming = scope.ServiceProvider.GetRequiredService<IdentityDbContext>().SigningKeys
                .Single(k => k.Use == "sig" && k.Status == KeyStatus.Next).Id;
        }

        Assert.Contains(upcoming, await JwksKidsAsync()); // the next key is published before it signs
        Assert.NotEqual(oldKid, upcoming);

        var newKid = await fixture.App.Services.GetRequiredService<KeyRing>().RotateAsync(CancellationToken.None);
        Assert.Equal(upcoming, newKid);

        var after = await ClientTokenAsync();
        Assert.Equal(newKid, (string)OAuth.Header(after)["kid"]!);
        var kidsAfter = await JwksKidsAsync();
        Assert.Contains(oldKid, kidsAfter);   // retired, still published
        Assert.Contains(newKid, kidsAfter);
        Assert.True(kidsAfter.Count >= 3);     // retired + current + a new next
        Assert.True(await ActiveAsync(before));
        Assert.True(await ActiveAsync(after));
    }

    [Fact]
    public async Task RotateEndpoint_RequiresAdmin()
    {
        var client = fixture.App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/v1/admin/signing-keys/rotate", null)).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ClientTokenAsync());
        var forbidden = await client.PostAsync("/api/v1/admin/signing-keys/rotate", null);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("FORBIDDEN", (string?)JsonNode.Parse(await forbidden.Content.ReadAsStringAsync())!["error"]!["code"]);
    }

    [Fact]
    public async Task RotateEndpoint_AsAdmin_Rotates()
    {
        var client = fixture.App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await UsersTestKit.AdminTokenAsync(fixture, "openid roles admin:ops"));
        var response = await client.PostAsync("/api/v1/admin/signing-keys/rotate", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keys = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray();
        Assert.Contains(keys, k => (string?)k!["status"] == "retired");
        Assert.DoesNotContain("PRIVATE", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class EmbeddedKeyRotationFixture() : IdentityFixture(AgoraMode.Embedded);

public sealed class DistributedKeyRotationFixture() : IdentityFixture(AgoraMode.Distributed);

public sealed class EmbeddedKeyRotationTests(EmbeddedKeyRotationFixture fixture)
    : KeyRotationBehaviour(fixture), IClassFixture<EmbeddedKeyRotationFixture>;

public sealed class DistributedKeyRotationTests(DistributedKeyRotationFixture fixture)
    : KeyRotationBehaviour(fixture), IClassFixture<DistributedKeyRotationFixture>;
