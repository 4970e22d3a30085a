using System.Net.Http.Headers;
using System.Text;
using Agora.Catalog.Tests.Infrastructure;
using Agora.Testing;

namespace Agora.Catalog.Tests;

/// <summary>
/// Input that once answered 500: a JSON body with a repeated member, bytes that are not UTF-8 or a lone surrogate
/// escape in a string, a crafted cursor, and an offset page past what the offset arithmetic holds. Each must be a
/// 400 or 422 in the error envelope, on SQLite and on PostgreSQL.
/// </summary>
public abstract class HostileInputBehaviour(CatalogFixture fixture)
{
    private HttpClient Client => fixture.Client;

    /// <summary>The three product lists: v1, v2 and a category's.</summary>
    public static TheoryData<string> Lists => new() { "/api/v1/products", "/api/v2/products", "/api/v1/categories/{category}/products" };

    private async Task<string> FirstCategoryAsync() =>
        (string)(await (await Client.GetAsync("/api/v1/categories")).BodyAsync())["data"]![0]!["id"]!;

    private async Task<string> ListUrlAsync(string list) =>
        list.Replace("{category}", await FirstCategoryAsync(), StringComparison.Ordinal);

    private async Task<(string Id, string ETag)> FirstProductAsync()
    {
        var id = (string)(await (await Client.GetAsync("/api/v1/products?per_page=1")).BodyAsync())["data"]![0]!["id"]!;
        var etag = (await Client.GetAsync($"/api/v1/products/{id}")).Headers.ETag!.Tag;
        return (id, etag);
    }

    private async Task<HttpResponseMessage> PatchAsync(string id, string etag, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}") { Content = content };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await Client.SendAsync(request);
    }

    private static ByteArrayContent Bytes(byte[] body, string mediaType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    [Fact]
    public async Task Patch_DuplicateKey_Is400InvalidJsonAndChangesNothing()
    {
        var (id, etag) = await FirstProductAsync();
        var before = (await (await Client.GetAsync($"/api/v1/products/{id}")).BodyAsync())["data"]!["name"]!.ToString();

        var response = await PatchAsync(id, etag, Json.Raw("""{"name":"a","name":"b"}""", "application/merge-patch+json"));

        var error = await response.AssertErrorAsync(400, "INVALID_JSON");
        Assert.Equal("name", (string?)error["details"]![0]!["field"]);
        Assert.Equal(before, (await (await Client.GetAsync($"/api/v1/products/{id}")).BodyAsync())["data"]!["name"]!.ToString());
    }

    [Fact]
    public async Task Patch_InvalidUtf8InSku_Is400InvalidJson()
    {
        var (id, etag) = await FirstProductAsync();
        var body = Encoding.UTF8.GetBytes("""{"sku":"AB-??"}""");
        body[^4] = 0xC3; // a lead byte followed by '?': not UTF-8
        body[^3] = 0x28;

        var response = await PatchAsync(id, etag, Bytes(body, "application/merge-patch+json"));

        await response.AssertErrorAsync(400, "INVALID_JSON");
    }

    [Fact]
    public async Task Post_InvalidUtf8InSku_Is400InvalidJson()
    {
        var body = Encoding.UTF8.GetBytes("""{"sku":"AB-??","name":"x","category_id":"c","price":{"amount":"1","currency":"KRW"}}""");
        var at = Array.IndexOf(body, (byte)'?');
        body[at] = 0xFF;
        body[at + 1] = 0xFE;

        using var content = Bytes(body);
        var response = await Client.PostAsync("/api/v1/products", content);

        await response.AssertErrorAsync(400, "INVALID_JSON");
    }

    [Fact]
    public async Task Patch_LoneSurrogateInSku_Is400InvalidJson()
    {
        var (id, etag) = await FirstProductAsync();

        var response = await PatchAsync(id, etag, Json.Raw("""{"sku":"AB-\ud800"}""", "application/merge-patch+json"));

        var error = await response.AssertErrorAsync(400, "INVALID_JSON");
        Assert.Equal("sku", (string?)error["details"]![0]!["field"]);
    }

    [Fact]
    public async Task Post_LoneSurrogateInName_Is400InvalidJson()
    {
        var response = await Client.PostAsync("/api/v1/products", Json.Raw(
            """{"sku":"AB-1","name":"\udc00 kettle","category_id":"c","price":{"amount":"1","currency":"KRW"},"initial_stock":1}"""));

        await response.AssertErrorAsync(400, "INVALID_JSON");
    }

    /// <summary>Base64url of JSON positions no Catalog issued: ticks and dates out of range, missing or null parts.</summary>
    public static TheoryData<string, string> CraftedCursors => new()
    {
        { "/api/v1/products", """{"s":"-created_at","k":"9223372036854775807","id":"prd_x"}""" },
        { "/api/v1/products", """{"s":"-created_at","k":"-1","id":"prd_x"}""" },
        { "/api/v2/products", """{"s":"created_at","k":"3155378976000000000","id":"prd_x"}""" },
        { "/api/v1/categories/{category}/products", """{"s":"-created_at","k":"9223372036854775807","id":"prd_x"}""" },
        { "/api/v1/products", """{"s":"-created_at","k":"638000000000000000","id":null}""" },
        { "/api/v1/products", """{"s":"-price","k":"1"}""" },
        { "/api/v1/products", """{"s":"-name","k":null,"id":"prd_x"}""" },
        { "/api/v1/products", """{"s":"-name","k":"\ud800","id":"prd_x"}""" },
    };

    [Theory]
    [MemberData(nameof(CraftedCursors))]
    public async Task List_CraftedCursor_Is422(string list, string position)
    {
        var cursor = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));
        var sort = position.Contains("\"-price\"", StringComparison.Ordinal) ? "-price"
            : position.Contains("\"-name\"", StringComparison.Ordinal) ? "-name"
            : position.Contains("\"created_at\"", StringComparison.Ordinal) && !position.Contains("\"-created_at\"", StringComparison.Ordinal) ? "created_at"
            : "-created_at";

        var response = await Client.GetAsync($"{await ListUrlAsync(list)}?sort={sort}&cursor={cursor}");

        var error = await response.AssertErrorAsync(422, "VALIDATION_ERROR");
        Assert.Equal("cursor", (string?)error["details"]![0]!["field"]);
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task List_PageBeyondOffsetArithmetic_Is422(string list)
    {
        var url = await ListUrlAsync(list);

        foreach (var query in new[] { "page=2147483647", "page=2147483647&per_page=100", "page=21474838&per_page=100", "page=1073741825&per_page=2" })
        {
            var response = await Client.GetAsync($"{url}?{query}");
            var error = await response.AssertErrorAsync(422, "VALIDATION_ERROR");
            Assert.Equal("page", (string?)error["details"]![0]!["field"]);
        }
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task List_LastPageTheOffsetHolds_IsAnEmptyPage(string list)
    {
        // (21474837 - 1) × 100 = 2147483600: the last offset an int holds at 100 a page.
        var response = await Client.GetAsync($"{await ListUrlAsync(list)}?page=21474837&per_page=100");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Empty((await response.BodyAsync())["data"]!.AsArray());
    }

    [Theory]
    [InlineData("POST", "/health/ready")]
    [InlineData("DELETE", "/health/ready")]
    [InlineData("PUT", "/health/live")]
    public async Task Health_MethodOtherThanGetOrHead_Is405(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json.Raw("{}") };

        var response = await Client.SendAsync(request);

        await response.AssertErrorAsync(405, "METHOD_NOT_ALLOWED");
        Assert.Contains("GET", response.Content.Headers.Allow);
        using var head = new HttpRequestMessage(HttpMethod.Head, path);
        Assert.Equal(200, (int)(await Client.SendAsync(head)).StatusCode);
    }

    [Fact]
    public async Task List_CategoryFilterOverDeclaredLimit_Is422()
    {
        var response = await Client.GetAsync("/api/v1/products?category=" + new string('c', 4096));

        var error = await response.AssertErrorAsync(422, "VALIDATION_ERROR");
        Assert.Equal("category", (string?)error["details"]![0]!["field"]);
    }
}

public sealed class EmbeddedHostileInputTests(EmbeddedCatalogFixture fixture)
    : HostileInputBehaviour(fixture), IClassFixture<EmbeddedCatalogFixture>;

public sealed class DistributedHostileInputTests(DistributedCatalogFixture fixture)
    : HostileInputBehaviour(fixture), IClassFixture<DistributedCatalogFixture>;
