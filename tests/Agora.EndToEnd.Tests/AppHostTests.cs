using System.Net;
using System.Text.Json;

namespace Agora.EndToEnd.Tests;

/// <summary>The whole shop started by the AppHost in the embedded mode (docs/architecture.md §2).</summary>
[Collection(AppHostCollection.Name)]
public sealed class AppHostTests(EmbeddedAppHostFixture fixture)
{
    [Fact]
    public async Task AppHost_Embedded_ServesSeededCatalogue()
    {
        using var client = fixture.CreateClient("catalog");

        using var response = await client.GetAsync(new Uri("/api/v1/products?per_page=5", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal(5, root.GetProperty("data").GetArrayLength());
        Assert.All(root.GetProperty("data").EnumerateArray(), p => Assert.StartsWith("prd_", p.GetProperty("id").GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("meta").GetProperty("request_id").GetString()));
        var pagination = root.GetProperty("pagination");
        Assert.Equal(5, pagination.GetProperty("per_page").GetInt32());
        Assert.True(pagination.GetProperty("total").GetInt32() >= 1000, $"total = {pagination.GetProperty("total")}");
    }

    [Fact]
    public async Task AppHost_Embedded_IdentityIssuesClientCredentialsToken()
    {
        using var client = fixture.CreateClient("identity");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "agora-scripts", ["client_secret"] = "agora-scripts-secret", ["scope"] = "write:catalog",
        });
        using var response = await client.PostAsync(new Uri("/connect/token", UriKind.Relative), form);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var body = JsonDocument.Parse(text);
        Assert.Equal(3, body.RootElement.GetProperty("access_token").GetString()!.Split('.').Length);
        Assert.Equal("Bearer", body.RootElement.GetProperty("token_type").GetString());
    }

    [Fact]
    public async Task AppHost_Embedded_ServesCategories()
    {
        using var client = fixture.CreateClient("catalog");

        using var response = await client.GetAsync(new Uri("/api/v1/categories", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("data").GetArrayLength() >= 10);
    }

    [Fact]
    public async Task AppHost_Embedded_KeepsDataInTheGivenDirectory()
    {
        using var client = fixture.CreateClient("catalog");

        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(File.Exists(Path.Combine(fixture.DataDirectory, "catalog.db")), $"no catalog.db in {fixture.DataDirectory}");
    }
}
