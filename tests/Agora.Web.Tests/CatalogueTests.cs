using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Web.Components.Console;
using Agora.Web.Features.Console;
using Agora.Web.Features.Language;
using Agora.Web.Features.Shop;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.Web.Tests;

/// <summary>
/// The console's catalogue page without a browser: what Catalog's answers become on the page (in the staff member's
/// language, never the API's English), the form's fields and labels, the product table, and what CatalogueClient sends
/// (a merge patch with If-Match, never a change without the ETag it was read at).
/// </summary>
public sealed class CatalogueTests : IDisposable
{
    private readonly BunitContext _context = new();

    private static readonly Category[] Categories = [new("cat_1", "Kitchen", "kitchen", "", new Dictionary<string, LocalizedText> { ["ko"] = new("주방", null) }), new("cat_2", "Books", "books", "")];

    [Fact]
    public void Outcomes_FollowCatalogsAnswer_AndTheQueryStringCanOnlyNameKnownOnes()
    {
        Assert.Equal("created", CatalogueOutcomes.Of(null, CatalogueOutcomes.Created));
        Assert.Equal("changed", CatalogueOutcomes.Of(new(412, "PRECONDITION_FAILED", "x"), CatalogueOutcomes.Saved));
        Assert.Equal("sku_taken", CatalogueOutcomes.Of(new(409, "SKU_TAKEN", "x"), CatalogueOutcomes.Saved));
        Assert.Equal("conflict", CatalogueOutcomes.Of(new(409, "PRODUCT_HAS_RESERVATIONS", "x"), CatalogueOutcomes.Saved));
        Assert.Equal("refused", CatalogueOutcomes.Of(new(403, "FORBIDDEN", "x"), CatalogueOutcomes.Stocked));
        Assert.Equal("gone", CatalogueOutcomes.Of(new(404, "PRODUCT_NOT_FOUND", "x"), CatalogueOutcomes.Stocked));
        Assert.Equal("invalid", CatalogueOutcomes.Of(new(422, "VALIDATION_ERROR", "x"), CatalogueOutcomes.Created));
        Assert.Equal("failed", CatalogueOutcomes.Of(new(503, "GATEWAY_UNREACHABLE", "x"), CatalogueOutcomes.Created));

        Assert.Null(CatalogueOutcomes.Parse("<script>"));
        Assert.Equal("changed", CatalogueOutcomes.Parse("changed"));
        // Only the form's fields, in its order; price stands for its amount; anything else is dropped.
        Assert.Equal(["name", "price.amount"], CatalogueOutcomes.ParseFields("price,<b>x</b>,name,name"));
        Assert.Empty(CatalogueOutcomes.ParseFields(null));
    }

    [Fact]
    public void Notice_ShowsAConflictAsAnAlert_InKorean_WithTheFieldsTheApiNamed()
    {
        _context.Services.AddSingleton(Texts.Korean);
        var conflict = _context.Render<CatalogueNotice>(p => p.Add(n => n.Outcome, "changed"));
        var alert = conflict.Find("[data-testid=catalogue-outcome]");
        Assert.Equal("alert", alert.GetAttribute("role"));
        Assert.Contains("다른 사람이 상품을 바꿔서 아무것도 저장하지 않았습니다", alert.TextContent, StringComparison.Ordinal);

        var invalid = _context.Render<CatalogueNotice>(p => p.Add(n => n.Outcome, "invalid").Add(n => n.Fields, "price.currency,sku"));
        Assert.Equal(["sku", "price.currency"], invalid.FindAll("[data-testid=catalogue-fields] li").Select(li => li.GetAttribute("data-field")));
        Assert.Equal(["SKU(상품 코드)", "통화"], invalid.FindAll("[data-testid=catalogue-fields] li").Select(li => li.TextContent));

        Assert.Empty(_context.Render<CatalogueNotice>(p => p.Add(n => n.Outcome, "bogus")).Markup.Trim());
    }

    [Fact]
    public void Notice_ShowsGoodNewsAsAStatus_WithoutFields()
    {
        _context.Services.AddSingleton(Texts.English);
        var saved = _context.Render<CatalogueNotice>(p => p.Add(n => n.Outcome, "stocked").Add(n => n.Fields, "name"));
        Assert.Equal("status", saved.Find("[data-testid=catalogue-outcome]").GetAttribute("role"));
        Assert.Equal("The stock was set.", saved.Find("p").TextContent);
        Assert.Empty(saved.FindAll("[data-testid=catalogue-fields]"));
    }

    [Fact]
    public void FormFields_AreLabelled_Prefilled_AndOnlyTheCreateFormPicksTheStatus()
    {
        _context.Services.AddSingleton(Texts.English);
        var values = new ProductForm("TEA-1", "Teapot", "찻주전자", "Round.", "32000", "KRW", "cat_2", "active");
        var edit = _context.Render<ProductFormFields>(p => p.Add(f => f.Values, values).Add(f => f.Categories, Categories));

        foreach (var field in edit.FindAll("input, textarea, select"))
        {
            Assert.Single(edit.FindAll($"label[for={field.Id}]"));
        }

        Assert.Equal("Teapot", edit.Find("#p-name").GetAttribute("value"));
        Assert.Equal("찻주전자", edit.Find("#p-name-ko").GetAttribute("value"));
        Assert.Equal("Round.", edit.Find("#p-description").TextContent);
        Assert.Equal("cat_2", edit.Find("#p-category option[selected]").GetAttribute("value"));
        Assert.Empty(edit.FindAll("[name=status]"));

        var create = _context.Render<ProductFormFields>(p => p.Add(f => f.Values, values with { Status = "draft" }).Add(f => f.Categories, Categories).Add(f => f.Creating, true));
        Assert.Equal(["draft", "active"], create.FindAll("#p-status option").Select(o => o.GetAttribute("value")));
        Assert.Equal("draft", create.Find("#p-status option[selected]").GetAttribute("value"));
    }

    [Fact]
    public void Table_ShowsStatusStockAndCategory_OfDraftsToo_WithACaption()
    {
        _context.Services.AddSingleton(Texts.Korean);
        Product[] items =
        [
            new("prd_1", "TEA-1", "Teapot", "", "cat_1", new Money("32000", "KRW"), "draft", new Availability("out_of_stock", 0)),
            new("prd_2", "TEA-2", "Cup", "", "cat_9", new Money("5000", "KRW"), "active", new Availability("in_stock", 12),
                new Dictionary<string, LocalizedText> { ["ko"] = new("찻잔", null) }),
        ];
        var table = _context.Render<CatalogueTable>(p => p.Add(t => t.Page, new ProductListPage(items, 42, 2, 3)).Add(t => t.Categories, Categories));

        Assert.Equal("전체 42개 중 21–22번째 상품, 이름순", table.Find("caption").TextContent);
        var rows = table.FindAll("tr[data-testid=catalogue-product]");
        Assert.Equal(["draft", "active"], rows.Select(r => r.GetAttribute("data-status")));
        Assert.Contains("임시 저장", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("주방", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("cat_9", rows[1].TextContent, StringComparison.Ordinal); // a category the list does not know: its id
        Assert.Contains("주문 가능 12개 (재고 있음)", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("/console/catalogue/prd_2", rows[1].QuerySelector("th a")!.GetAttribute("href"));
        Assert.Equal("찻잔", rows[1].QuerySelector("th a")!.TextContent);

        var empty = _context.Render<CatalogueTable>(p => p.Add(t => t.Page, new ProductListPage([], 0, 1, 1)));
        Assert.NotNull(empty.Find("[data-testid=no-products]"));
    }

    [Fact]
    public async Task AnEdit_IsAMergePatchWithIfMatch_AndA412ChangesNothingAndSaysSo()
    {
        using var gateway = new Recorder(HttpStatusCode.PreconditionFailed, """{"error":{"code":"PRECONDITION_FAILED","message":"changed"}}""");
        using var httpgateway = new HttpClient(gateway, disposeHandler: false) { BaseAddress = new Uri("http://gateway") };
        var client = new CatalogueClient(httpgateway, NullLogger<CatalogueClient>.Instance);

        var answer = await client.UpdateAsync("tok", "prd_1", "\"3.5.0\"", new("TEA-1", " Teapot ", "", "Round.", "32000", "krw", "cat_1", null), default);

        Assert.Equal("changed", CatalogueOutcomes.Of(answer.Error, CatalogueOutcomes.Saved));
        var sent = Assert.Single(gateway.Requests);
        Assert.Equal("PATCH /api/v1/products/prd_1", sent.Line);
        Assert.Equal("\"3.5.0\"", sent.IfMatch);
        Assert.Equal("Bearer tok", sent.Authorization);
        Assert.Equal("application/merge-patch+json", sent.ContentType);
        var body = JsonNode.Parse(sent.Body)!;
        Assert.Equal("Teapot", (string?)body["name"]);
        Assert.Equal("KRW", (string?)body["price"]!["currency"]);
        Assert.Null(body["status"]); // an edit leaves the status to its buttons
        Assert.True(body["localized"]!.AsObject().ContainsKey("ko"));
        Assert.Null(body["localized"]!["ko"]); // an emptied Korean name removes the Korean text
    }

    [Fact]
    public async Task AChangeWithoutTheETagItWasReadAt_IsNeverSent()
    {
        using var gateway = new Recorder(HttpStatusCode.OK, """{"data":{}}""");
        using var httpgateway = new HttpClient(gateway, disposeHandler: false) { BaseAddress = new Uri("http://gateway") };
        var client = new CatalogueClient(httpgateway, NullLogger<CatalogueClient>.Instance);

        Assert.Equal(412, (await client.SetStatusAsync("tok", "prd_1", null, "discontinued", default)).Error!.Status);
        Assert.Equal(412, (await client.SetStatusAsync("tok", "prd_1", "\"1\"\r\nX-Evil: 1", "discontinued", default)).Error!.Status);
        Assert.Empty(gateway.Requests);
        Assert.True(CatalogueClient.IsETag("\"12.0.1\""));
        Assert.True(CatalogueClient.IsETag("W/\"12\""));
    }

    [Fact]
    public async Task ACreateThatCatalogRefuses_NamesTheFormsFields_AndTheStockGoesToTheInventory()
    {
        using var refused = new Recorder(HttpStatusCode.UnprocessableEntity,
            """{"error":{"code":"VALIDATION_ERROR","message":"x","details":[{"field":"price.currency","message":"The catalogue is priced in KRW."},{"field":"sku","message":"Required."}]}}""");
        using var httprefused = new HttpClient(refused, disposeHandler: false) { BaseAddress = new Uri("http://gateway") };
        var client = new CatalogueClient(httprefused, NullLogger<CatalogueClient>.Instance);
        var answer = await client.CreateAsync("tok", new(null, "Teapot", "찻주전자", null, "10", "USD", "cat_1", "draft"), default);
        Assert.Equal(["sku", "price.currency"], answer.Fields);
        var created = JsonNode.Parse(Assert.Single(refused.Requests).Body)!;
        Assert.Equal("draft", (string?)created["status"]);
        Assert.Equal("찻주전자", (string?)created["localized"]!["ko"]!["name"]);

        using var stocked = new Recorder(HttpStatusCode.OK, """{"data":{"product_id":"prd_1","available":7,"reserved":0}}""");
        using var httpstocked = new HttpClient(stocked, disposeHandler: false) { BaseAddress = new Uri("http://gateway") };
        client = new CatalogueClient(httpstocked, NullLogger<CatalogueClient>.Instance);
        Assert.Null((await client.SetStockAsync("tok", "prd_1", 7, "Delivery 12", "usr_1", default)).Error);
        var put = Assert.Single(stocked.Requests);
        Assert.Equal("PUT /api/v1/products/prd_1/inventory", put.Line);
        Assert.Equal(7, (int?)JsonNode.Parse(put.Body)!["available"]);
    }

    [Fact]
    public void ARefusedCreateForm_ComesBackThroughItsAddress_Escaped_AndALongDescriptionCut()
    {
        var form = new ProductForm("TEA-1", "Tea & cake", "찻주전자", new string('d', 1500), "12000", "USD", "cat_1", "active");
        var query = CatalogueActions.Refill(form);
        var fields = query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal("Tea & cake", fields["name"]);
        Assert.Equal("찻주전자", fields["name_ko"]);
        Assert.Equal(CatalogueActions.MaxRefilledDescription, fields["description"].Length);
        Assert.Equal(["sku", "name", "name_ko", "description", "price", "currency", "category_id", "status"], fields.Keys);
        Assert.Equal("sku=A", CatalogueActions.Refill(new("A", null, "", null, null, null, null, null)));
        Assert.Equal("/console/catalogue/new?outcome=invalid&fields=price.currency%2Csku", CatalogueActions.Back("new", "invalid", ["price.currency", "sku"]));
    }

    public void Dispose() => _context.Dispose();

    /// <summary>The gateway as a handler that answers every request the same and keeps what it got.</summary>
    private sealed class Recorder(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public List<(string Line, string? IfMatch, string? Authorization, string? ContentType, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(($"{request.Method} {request.RequestUri!.AbsolutePath}",
                request.Headers.TryGetValues("If-Match", out var tags) ? string.Join(",", tags) : null,
                request.Headers.Authorization?.ToString(), request.Content?.Headers.ContentType?.MediaType,
                request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }
}
