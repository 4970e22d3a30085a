using System.Net;
using System.Text;
using Agora.Web.Components.Console;
using Agora.Web.Features.Console;
using Agora.Web.Features.Language;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.Web.Tests;

/// <summary>
/// The console's notification templates, API keys and signing keys without a browser: the previews side by side in their
/// languages, why a draft was refused, the keys' tables and buttons, and what the staff client sends and reads
/// (both preview languages, If-Match, a 422's fields).
/// </summary>
public sealed class OpsPagesTests : IDisposable
{
    private static readonly DateTime At = new(2026, 12, 7, 21, 0, 0, DateTimeKind.Utc);
    private readonly BunitContext _context = new();

    public OpsPagesTests() => _context.Services.AddSingleton(Texts.English);

    [Fact]
    public void Previews_SitSideBySide_EachMarkedWithItsLanguage_TheHtmlBesideTheText()
    {
        TemplatePreview[] previews =
        [
            new("ko", "주문 ord_1 확인", "<p>김민지님, 주문이 확인되었습니다.</p>", "김민지님, 주문이 확인되었습니다."),
            new("en", "Order ord_1 confirmed", "<p>Alex Kim, your order is confirmed.</p>", "Alex Kim, your order is confirmed."),
        ];

        var page = _context.Render<TemplatePreviews>(p => p.Add(c => c.Previews, previews));

        var korean = page.Find("[data-testid=preview-ko]");
        Assert.Equal("ko", korean.GetAttribute("lang"));
        Assert.Equal("Korean (ko)", korean.QuerySelector("h3")!.TextContent);
        Assert.Equal("en", korean.QuerySelector("h3")!.GetAttribute("lang"));
        Assert.Equal("김민지님, 주문이 확인되었습니다.", korean.QuerySelector("[data-testid=preview-text]")!.TextContent);
        Assert.Equal("주문 ord_1 확인", korean.QuerySelector("[data-testid=preview-subject]")!.TextContent);
        // The HTML is shown as source, never rendered: a template's markup cannot run in the console.
        Assert.Equal("<p>김민지님, 주문이 확인되었습니다.</p>", korean.QuerySelector("[data-testid=preview-html]")!.TextContent);
        Assert.Empty(korean.QuerySelectorAll("pre p"));
        Assert.Equal("English (en)", page.Find("[data-testid=preview-en] h3").TextContent);

        // SMS: no subject, and the text is the body (no second copy).
        var sms = _context.Render<TemplatePreviews>(p => p.Add(c => c.Previews, [new TemplatePreview("ko", null, "주문 확인", "주문 확인")]));
        Assert.Empty(sms.FindAll("[data-testid=preview-subject]"));
        Assert.Empty(sms.FindAll("[data-testid=preview-html]"));
    }

    [Fact]
    public void ARefusedDraft_ListsTheFieldsTheServiceNamed_AndALateSaveSaysSomeoneElseSaved()
    {
        var invalid = _context.Render<TemplateProblems>(p => p
            .Add(c => c.Error, new StaffError(422, "VALIDATION_ERROR", "The request data is invalid."))
            .Add(c => c.Problems, [new StaffFieldError("body", "Unknown placeholder {{nope}}."), new StaffFieldError("subject", "Required for email.")]));
        Assert.Equal("alert", invalid.Find("[data-testid=template-problems]").GetAttribute("role"));
        Assert.Equal(["body: Unknown placeholder {{nope}}.", "subject: Required for email."],
            invalid.FindAll("[data-testid=template-problem]").Select(li => li.TextContent));

        var late = _context.Render<TemplateProblems>(p => p.Add(c => c.Error, new StaffError(412, "PRECONDITION_FAILED", "changed")));
        Assert.Contains("Someone saved this template after you opened it", late.Markup, StringComparison.Ordinal);
        Assert.Empty(late.FindAll("[data-testid=template-problem]"));
    }

    [Fact]
    public void Templates_AreListedByEventChannelAndLanguage_EachWithItsEditor()
    {
        NotificationTemplate[] templates =
        [
            Template("tpl_3", "order_shipped", "sms", "ko"),
            Template("tpl_2", "order_confirmed", "email", "ko"),
            Template("tpl_1", "order_confirmed", "email", "en"),
        ];

        var table = _context.Render<TemplateTable>(p => p.Add(c => c.Templates, templates));

        Assert.Equal("3 templates, by event, channel and language", table.Find("caption").TextContent);
        Assert.Equal(["tpl_1", "tpl_2", "tpl_3"], table.FindAll("[data-testid=template-row]").Select(r => r.GetAttribute("data-id")));
        var edit = table.Find("[data-id=tpl_2] a");
        Assert.Equal("/console/templates/tpl_2", edit.GetAttribute("href"));
        Assert.Equal("Edit order_confirmed email ko", edit.GetAttribute("aria-label"));
    }

    [Fact]
    public void ApiKeys_OnlyActiveOnesHaveARevokeButton_PostingWithAntiforgery()
    {
        ApiKeyRow[] keys =
        [
            new("key_new", "partner b", "AbCdEfGh", ["read:catalog"], "active", At, "usr_admin", null, null, At.AddMinutes(5)),
            new("key_old", "partner a", "ZyXwVuTs", ["read:orders", "read:catalog"], "revoked", At.AddDays(-1), "usr_admin", null, At, null),
        ];

        var table = _context.Render<ApiKeyTable>(p => p.Add(c => c.Keys, keys));

        Assert.Equal("2 API keys, newest first (never the key itself)", table.Find("caption").TextContent);
        var forms = table.FindAll("form");
        var form = Assert.Single(forms);
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("/console/api-keys/key_new/revoke", form.GetAttribute("action"));
        Assert.Equal("Revoke the key partner b (AbCdEfGh)", table.Find("[data-testid=revoke]").GetAttribute("aria-label"));
        Assert.Equal(["partner a", "ZyXwVuTs", "read:orders read:catalog", "revoked", "2026-12-06 21:00 UTC (usr_admin)", "never", ""],
            table.Find("[data-id=key_old]").Children.Select(c => c.TextContent.Trim()));
    }

    [Fact]
    public void SigningKeys_ShowTheKeySigningNow_ThenNext_ThenRetired()
    {
        SigningKey[] keys =
        [
            new("sig-20261101-aaaaaaaa", "sig", "retired", At.AddDays(-36), At.AddDays(1)),
            new("sig-20261201-bbbbbbbb", "sig", "current", At.AddDays(-6), null),
            new("enc-20261201-cccccccc", "enc", "current", At.AddDays(-6), null),
            new("sig-20261207-dddddddd", "sig", "next", At, null),
        ];

        var table = _context.Render<SigningKeyTable>(p => p.Add(c => c.Keys, keys));

        Assert.Equal("sig-20261201-bbbbbbbb", table.Find("[data-testid=current-key]").GetAttribute("data-id"));
        Assert.Equal(["enc-20261201-cccccccc", "sig-20261201-bbbbbbbb", "sig-20261207-dddddddd", "sig-20261101-aaaaaaaa"],
            table.FindAll("[data-testid=signing-key-row]").Select(r => r.GetAttribute("data-id")));
        Assert.Equal("4 keys: signing now, next, then retired", table.Find("caption").TextContent);
        Assert.Equal("2026-12-08 21:00 UTC", table.Find("[data-id=sig-20261101-aaaaaaaa] td:last-child").TextContent);

        var none = _context.Render<SigningKeyTable>(p => p.Add(c => c.Keys, [keys[0]]));
        Assert.Equal("alert", none.Find("[data-testid=no-current-key]").GetAttribute("role"));
    }

    [Fact]
    public void TheKoreanPages_SayItInKorean()
    {
        _context.Services.AddSingleton(Texts.Korean);
        var page = _context.Render<TemplatePreviews>(p => p.Add(c => c.Previews, [new TemplatePreview("ko", null, "x", "x")]));
        Assert.Equal("한국어 (ko)", page.Find("h3").TextContent);
        Assert.Equal("ko", page.Find("h3").GetAttribute("lang"));
    }

    [Fact]
    public void NewKeyScopes_AreSplitOnSpacesAndCommas_EachOnce()
    {
        Assert.Equal(["read:catalog", "read:orders"], new ApiKeyDraft { Scopes = " read:catalog, read:orders read:catalog\n" }.ScopeList());
        Assert.Empty(new ApiKeyDraft { Scopes = null }.ScopeList());
    }

    [Fact]
    public async Task APreview_AsksForBothLanguages_AndASave_SendsTheETagItWasReadWith()
    {
        using var handler = new Recorder(request => request.RequestUri!.AbsolutePath.EndsWith("/preview", StringComparison.Ordinal)
            ? Json(HttpStatusCode.OK, $$$"""{"data":{"locale":"{{{Locale(request)}}}","subject":"s","body":"b {{{Locale(request)}}}","text":"t"}}""")
            : Json(HttpStatusCode.OK, """{"data":{"id":"tpl_1","event_type":"order_confirmed","channel":"email","locale":"en","subject":"s","body":"b","placeholders":["order_id"],"created_at":"2026-12-07T21:00:00Z","updated_at":"2026-12-07T21:00:00Z"}}""", "\"4\""));
        using var http = Http(handler);
        var staff = Client(http);
        var draft = new TemplateDraft { EventType = "order_confirmed", Channel = "email", Locale = "en", Subject = "s", Body = "b", ETag = "\"3\"" };

        var (previews, refused) = await staff.PreviewAsync("tok", draft, CancellationToken.None);
        Assert.Null(refused);
        Assert.Equal(["ko", "en"], previews.Select(p => p.Locale));
        Assert.Equal(["b ko", "b en"], previews.Select(p => p.Body));
        Assert.All(handler.Bodies.Take(2), b => Assert.Contains("\"event_type\":\"order_confirmed\"", b, StringComparison.Ordinal));

        var saved = await staff.SaveTemplateAsync("tok", "tpl_1", draft, draft.ETag, CancellationToken.None);
        Assert.Equal("\"4\"", saved.ETag);
        Assert.Equal(["order_id"], saved.Value!.Placeholders);
        var put = handler.Requests[^1];
        Assert.Equal(HttpMethod.Put, put.Method);
        Assert.Equal("/api/v1/admin/notification-templates/tpl_1", put.RequestUri!.AbsolutePath);
        Assert.Equal("\"3\"", put.Headers.GetValues("If-Match").Single());
        Assert.Equal("Bearer tok", put.Headers.Authorization!.ToString());
        Assert.Contains("\"locale\":\"en\"", handler.Bodies[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedDraft_BringsBackTheFieldsOfThe422()
    {
        using var handler = new Recorder(_ => Json((HttpStatusCode)422,
            """{"error":{"code":"VALIDATION_ERROR","message":"The request data is invalid.","details":[{"field":"body","message":"Unknown placeholder."}]}}"""));
        using var http = Http(handler);
        var (previews, refused) = await Client(http).PreviewAsync("tok", new TemplateDraft { Body = "{{nope}}" }, CancellationToken.None);

        Assert.Empty(previews);
        Assert.Equal(422, refused!.Error!.Status);
        Assert.Equal([new StaffFieldError("body", "Unknown placeholder.")], refused.Problems);
    }

    private static HttpClient Http(Recorder handler) => new(handler, disposeHandler: false) { BaseAddress = new Uri("http://gateway.test") };

    private static StaffClient Client(HttpClient http) => new(http, NullLogger<StaffClient>.Instance);

    private static string Locale(HttpRequestMessage request) =>
        System.Text.Json.JsonDocument.Parse(request.Content!.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement.GetProperty("locale").GetString()!;

    private static HttpResponseMessage Json(HttpStatusCode status, string body, string? etag = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (etag is not null)
        {
            response.Headers.ETag = System.Net.Http.Headers.EntityTagHeaderValue.Parse(etag);
        }

        return response;
    }

    private static NotificationTemplate Template(string id, string type, string channel, string locale) =>
        new(id, type, channel, locale, channel == "sms" ? null : "Subject", "Body", ["order_id"], At, At);

    public void Dispose() => _context.Dispose();

    /// <summary>Answers every request with <paramref name="answer"/> and keeps each request and its body.</summary>
    private sealed class Recorder(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(request);
            }

            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (Requests)
            {
                Bodies.Add(body);
            }

            return answer(request);
        }
    }
}
