using System.Net;
using Agora.Shipping.Tests.Infrastructure;

namespace Agora.Shipping.Tests;

/// <summary>The OpenAPI document Shipping serves describes its API.</summary>
public sealed class OpenApiTests(EmbeddedShippingFixture fixture) : IClassFixture<EmbeddedShippingFixture>
{
    [Fact]
    public async Task OpenApi_Document_DescribesShipmentsAndCarrierCallbacks()
    {
        var response = await fixture.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        if (Environment.GetEnvironmentVariable("AGORA_DUMP_OPENAPI") is { Length: > 0 } dump)
        {
            await File.WriteAllTextAsync(dump, text);
        }

        var doc = await response.BodyAsync();
        var paths = doc["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/api/v1/shipments"));
        Assert.True(paths.ContainsKey("/api/v1/shipments/{id}"));
        Assert.True(paths.ContainsKey("/api/v1/carrier-callbacks"));
        Assert.Contains("INVALID_SIGNATURE", paths["/api/v1/carrier-callbacks"]!.ToJsonString(), StringComparison.Ordinal);
    }
}
