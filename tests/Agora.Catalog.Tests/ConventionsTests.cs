using System.Net;
using System.Net.Http.Headers;
using Agora.Catalog.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Catalog.Tests;

/// <summary>The API conventions of docs/architecture.md §3 as a client sees them: envelope, errors, ids, health, metrics.</summary>
public sealed class ConventionsTests(ConventionsTests.Fixture fixture) : IClassFixture<ConventionsTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public CatalogApp App { get; } = new CatalogApp(Hosting.AgoraMode.Embedded)
            .WithServices(s => s.AddTransient<IStartupFilter, ThrowingEndpointFilter>());

        public HttpClient Client { get; private set; } = null!;

        public Task InitializeAsync()
        {
            // Signed in as staff: authorization runs before binding and validation, whose errors these tests check.
            Client = App.CreateAdminClient();
            return Task.CompletedTask;
        }

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    /// <summary>Adds <c>/test/boom</c>, which throws an exception carrying internals that must not leak.</summary>
    private sealed class ThrowingEndpointFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map("/test/boom", b => b.Run(_ => throw new InvalidOperationException("secret connection string Password=hunter2")));
        };
    }

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Get_Success_HasDataAndMetaWithRequestIdAndTimestamp()
    {
        var response = await Client.GetAsync("/api/v1/categories");
        response.EnsureSuccessStatusCode();
        var body = await response.BodyAsync();
        Assert.NotNull(body["data"]);
        Assert.Equal(response.Headers.GetValues("X-Request-ID").Single(), (string?)body["meta"]!["request_id"]);
        Assert.True(DateTime.TryParse((string?)body["meta"]!["timestamp"], out _));
        Assert.EndsWith("Z", (string?)body["meta"]!["timestamp"]);
    }

    [Fact]
    public async Task RequestId_SaneValue_IsEchoedAndUsedInMeta()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/categories");
        request.Headers.Add("X-Request-ID", "req-abc-123");
        request.Headers.Add("X-Correlation-ID", "corr-xyz-789");
        var response = await Client.SendAsync(request);
        Assert.Equal("req-abc-123", response.Headers.GetValues("X-Request-ID").Single());
        Assert.Equal("corr-xyz-789", response.Headers.GetValues("X-Correlation-ID").Single());
        Assert.Equal("req-abc-123", (string?)(await response.BodyAsync())["meta"]!["request_id"]);
    }

    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("x")] // replaced below by a 200-character value
    public async Task RequestId_InsaneValue_IsReplacedByGeneratedOne(string value)
    {
        if (value == "x")
        {
            value = new string('a', 200);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/categories");
        request.Headers.TryAddWithoutValidation("X-Request-ID", value);
        var response = await Client.SendAsync(request);
        var echoed = response.Headers.GetValues("X-Request-ID").Single();
        Assert.NotEqual(value, echoed);
        Assert.StartsWith("req_", echoed);
    }

    [Fact]
    public async Task Ids_Absent_AreGeneratedAndDistinct()
    {
        var a = await Client.GetAsync("/health/live");
        var b = await Client.GetAsync("/health/live");
        Assert.StartsWith("req_", a.Headers.GetValues("X-Request-ID").Single());
        Assert.StartsWith("corr_", a.Headers.GetValues("X-Correlation-ID").Single());
        Assert.NotEqual(a.Headers.GetValues("X-Request-ID").Single(), b.Headers.GetValues("X-Request-ID").Single());
    }

    [Fact]
    public async Task Post_MalformedJson_Is400InvalidJson()
    {
        var response = await Client.PostAsync("/api/v1/products", Json.Raw("{\"name\": \"x\", "));
        await response.AssertErrorAsync(400, "INVALID_JSON");
    }

    [Fact]
    public async Task Post_WrongJsonType_Is400WithField()
    {
        var response = await Client.PostAsync("/api/v1/products", Json.Raw("{\"name\": 12, \"initial_stock\": \"many\"}"));
        var error = await response.AssertErrorAsync(400, "INVALID_JSON");
        Assert.NotEmpty(error["details"]!.AsArray());
    }

    [Fact]
    public async Task Get_QueryTypeMismatch_Is400InvalidParameter()
    {
        var response = await Client.GetAsync("/api/v1/products?per_page=abc");
        var error = await response.AssertErrorAsync(400, "INVALID_PARAMETER");
        Assert.Equal("per_page", (string?)error["details"]![0]!["field"]);
    }

    [Fact]
    public async Task Post_InvalidFields_Is422WithDetailsPerField()
    {
        var response = await Client.PostAsync("/api/v1/products", Json.Raw("""{"sku": "bad sku!", "price": {"amount": "-5", "currency": "KRW"}}"""));
        var error = await response.AssertErrorAsync(422, "VALIDATION_ERROR");
        var fields = error["details"]!.AsArray().Select(d => (string?)d!["field"]).ToList();
        Assert.Contains("sku", fields);
        Assert.Contains("name", fields);
        Assert.Contains("category_id", fields);
        Assert.Contains("price.amount", fields);
    }

    [Fact]
    public async Task Get_UnknownRoute_Is404Envelope()
    {
        var response = await Client.GetAsync("/api/v1/no-such-thing");
        await response.AssertErrorAsync(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Delete_OnCollection_Is405WithAllow()
    {
        var response = await Client.DeleteAsync("/api/v1/products");
        await response.AssertErrorAsync(405, "METHOD_NOT_ALLOWED");
        var allow = response.Content.Headers.Allow.Concat(response.Headers.TryGetValues("Allow", out var v) ? v : []).ToList();
        Assert.Contains("GET", string.Join(",", allow));
        Assert.Contains("POST", string.Join(",", allow));
    }

    [Fact]
    public async Task Post_TextPlain_Is415()
    {
        var response = await Client.PostAsync("/api/v1/products", Json.Raw("{}", "text/plain"));
        await response.AssertErrorAsync(415, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task Post_BodyOverLimit_Is413()
    {
        var big = "{\"description\": \"" + new string('x', 2 * 1024 * 1024) + "\"}";
        var response = await Client.PostAsync("/api/v1/products", Json.Raw(big));
        await response.AssertErrorAsync(413, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task UnhandledException_Is500WithoutInternals()
    {
        var response = await Client.GetAsync("/test/boom");
        var error = await response.AssertErrorAsync(500, "INTERNAL_ERROR");
        var text = error.ToJsonString();
        Assert.DoesNotContain("hunter2", text);
        Assert.DoesNotContain("InvalidOperationException", text);
        Assert.Contains(response.Headers.GetValues("X-Request-ID").Single(), (string?)error["message"]);
    }

    [Fact]
    public async Task Health_LiveAndReady_Are200()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/health/live")).StatusCode);
        var ready = await Client.GetAsync("/health/ready");
        var body = await ready.BodyAsync();
        Assert.True(ready.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        var checks = body["checks"]!.AsArray().Select(c => (string?)c!["name"]).ToList();
        Assert.Contains("database", checks);
        Assert.Contains("message-store", checks);
    }

    [Fact]
    public async Task Metrics_AfterRequests_ExposesRedHistogramPerRoute()
    {
        await Client.GetAsync("/api/v1/categories");
        await Client.GetAsync("/api/v1/products/prd_nope");
        // The exporter caches a scrape briefly; wait for one that includes the requests above.
        string text = "";
        for (var i = 0; i < 20 && !text.Contains("/api/v1/products/{id}"); i++)
        {
            await Task.Delay(500);
            text = await Client.GetStringAsync("/metrics");
        }

        Assert.Contains("http_server_request_duration_seconds_bucket", text);
        Assert.Contains("http_route=\"/api/v1/categories/\"", text);
        Assert.Contains("http_route=\"/api/v1/products/{id}\"", text);
        Assert.Contains("http_response_status_code=\"404\"", text);
    }

    [Fact]
    public async Task OpenApi_Document_IsServed()
    {
        var response = await Client.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        var doc = await response.BodyAsync();
        Assert.StartsWith("3.1", (string?)doc["openapi"]);
        Assert.NotNull(doc["paths"]!["/api/v1/products"]);
    }

    [Fact]
    public async Task ErrorResponses_AreJsonNotProblemDetails()
    {
        var response = await Client.GetAsync("/api/v1/products/prd_missing");
        Assert.Equal(new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
        await response.AssertErrorAsync(404, "PRODUCT_NOT_FOUND");
    }
}
