using System.Net;
using Agora.Notification.Tests.Infrastructure;

namespace Agora.Notification.Tests;

/// <summary>The OpenAPI document Notification serves describes its API.</summary>
public sealed class OpenApiTests(EmbeddedNotificationFixture fixture) : IClassFixture<EmbeddedNotificationFixture>
{
    [Fact]
    public async Task OpenApi_Document_DescribesNotificationsAndTemplates()
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
        Assert.True(paths.ContainsKey("/api/v1/notifications"));
        Assert.True(paths.ContainsKey("/api/v1/notifications/{id}"));
        Assert.True(paths.ContainsKey("/api/v1/admin/notification-templates/{id}"));
        Assert.Contains("TEMPLATE_EXISTS", paths["/api/v1/admin/notification-templates"]!.ToJsonString(), StringComparison.Ordinal);
    }
}
