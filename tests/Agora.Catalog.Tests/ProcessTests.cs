using System.Net;
using System.Text.Json.Nodes;
using Agora.Catalog.Tests.Infrastructure;
using Agora.Contracts.Catalog.V1;
using Grpc.Net.Client;

namespace Agora.Catalog.Tests;

/// <summary>Catalog as a real process: JSON logs, real Kestrel limits, gRPC over h2c.</summary>
public sealed class ProcessTests(CatalogProcess catalog) : IClassFixture<CatalogProcess>
{
    [Fact]
    public async Task Logs_RequestLine_IsOneJsonObjectWithTraceSpanRequestAndCorrelationIds()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/categories");
        request.Headers.Add("X-Request-ID", "req-log-test-1");
        request.Headers.Add("X-Correlation-ID", "corr-log-test-1");
        (await catalog.Client.SendAsync(request)).EnsureSuccessStatusCode();

        var line = await Poll.UntilFoundAsync(
            () => catalog.Lines.Select(TryParse).FirstOrDefault(o => o?.ToJsonString().Contains("req-log-test-1", StringComparison.Ordinal) == true),
            "the request's log line", TimeSpan.FromSeconds(5));
        var scopes = new Dictionary<string, string?>();
        foreach (var (key, value) in line["Scopes"]!.AsArray().OfType<JsonObject>().SelectMany(s => s))
        {
            scopes[key] = value?.ToString();
        }

        Assert.Equal("req-log-test-1", scopes["request_id"]);
        Assert.Equal("corr-log-test-1", scopes["correlation_id"]);
        Assert.Matches("^[0-9a-f]{32}$", scopes["TraceId"]);
        Assert.Matches("^[0-9a-f]{16}$", scopes["SpanId"]);
        Assert.Equal("Debug", (string?)line["LogLevel"]);
    }

    [Fact]
    public void Logs_EveryStdoutLine_IsJson()
    {
        Assert.NotEmpty(catalog.Lines);
        Assert.All(catalog.Lines, l => Assert.NotNull(TryParse(l)));
    }

    [Fact]
    public async Task Kestrel_ChunkedBodyOverLimit_Is413Envelope()
    {
        // No Content-Length: the limit is enforced while reading, by Kestrel itself.
        var body = System.Text.Encoding.UTF8.GetBytes("{\"description\": \"" + new string('x', 2 * 1024 * 1024) + "\"}");
        var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/products") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        // Authorized, or the 401 would come before the body is read.
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", catalog.Identity.AdminToken());
        var response = await catalog.Client.SendAsync(request);
        await response.AssertErrorAsync(413, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Auth_Production_ForgedTokenIs401EnvelopeAndAdminTokenPasses()
    {
        using var forged = new HttpRequestMessage(HttpMethod.Put, "/api/v1/products/prd_missing/inventory") { Content = Json.Of(new { available = 1 }) };
        forged.Headers.Authorization = new("Bearer", catalog.Identity.Token().Roles("admin").SignedBy(catalog.Identity.Attacker).Build());
        var rejected = await catalog.Client.SendAsync(forged);
        await rejected.AssertErrorAsync(401, "UNAUTHORIZED");
        Assert.StartsWith("Bearer", rejected.Headers.WwwAuthenticate.ToString());

        using var admin = new HttpRequestMessage(HttpMethod.Put, "/api/v1/products/prd_missing/inventory") { Content = Json.Of(new { available = 1 }) };
        admin.Headers.Authorization = new("Bearer", catalog.Identity.AdminToken());
        await (await catalog.Client.SendAsync(admin)).AssertErrorAsync(404, "PRODUCT_NOT_FOUND");
    }

    [Fact]
    public async Task Grpc_OverH2cPort_Answers()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{catalog.GrpcPort}");
        var client = new CatalogService.CatalogServiceClient(channel);
        var ids = (await (await catalog.Client.GetAsync("/api/v1/products?per_page=3")).BodyAsync())["data"]!.AsArray()
            .Select(p => (string)p!["id"]!).ToList();
        var response = await client.GetProductsAsync(new GetProductsRequest { ProductIds = { ids } });
        Assert.Equal(ids, response.Products.Select(p => p.Id));
    }

    [Fact]
    public async Task Http_Production_DoesNotLeakServerDetailsOnErrors()
    {
        var response = await catalog.Client.GetAsync("/api/v1/products?per_page=abc");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Exception", text);
        Assert.DoesNotContain("lambda_method", text);
    }

    [Fact]
    public async Task Metrics_Scrape_PassesPromtoolCheck()
    {
        var promtool = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "promtool")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("promtool is not installed: run ./test.sh (it installs Debian's prometheus package) or install it.");
        await catalog.Client.GetAsync("/api/v1/categories");
        await catalog.Client.GetAsync("/api/v1/products/prd_missing");
        var scrape = await catalog.Client.GetStringAsync("/metrics");
        var start = new System.Diagnostics.ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        await process.StandardInput.WriteAsync(scrape);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "promtool check metrics failed:\n" + output);
        Assert.Contains("http_server_request_duration_seconds_bucket", scrape);
    }

    private static JsonObject? TryParse(string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
