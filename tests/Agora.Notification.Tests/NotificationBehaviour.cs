using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Agora.Contracts.Orders;
using Agora.Notification.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;

namespace Agora.Notification.Tests;

/// <summary>Notification's behaviour, run once per mode: SQLite + Wolverine TCP, and PostgreSQL + RabbitMQ.</summary>
public abstract class NotificationBehaviour(NotificationFixture fixture)
{
    private NotificationApp App => fixture.App;
    private HttpClient Client => fixture.Client;

    private static string NewId(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..16];

    private static CustomerContact Customer(string locale, string? name = null)
    {
        var id = NewId("usr");
        return new CustomerContact(id, id + "@customers.test", name ?? (locale == "ko" ? "김민지" : "Alex Kim"), locale);
    }

    private static OrderConfirmed Confirmed(CustomerContact customer, string? orderId = null) => new(
        Guid.NewGuid(), DateTimeOffset.UtcNow, orderId ?? NewId("ord"), customer,
        [new OrderLine("prd_kettle", "KT-1", "Kettle", 2, 20_000m, "KRW"), new OrderLine("prd_mug", "MG-1", "Mug", 1, 10_000m, "KRW")],
        50_000m, "KRW");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? token, HttpContent? content = null, Action<HttpRequestMessage>? tweak = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        tweak?.Invoke(request);
        return await Client.SendAsync(request);
    }

    private async Task<JsonArray> NotificationsOfAsync(string customerId)
    {
        var response = await SendAsync(HttpMethod.Get, $"/api/v1/notifications?customer_id={customerId}", App.Identity.AdminToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.BodyAsync())["data"]!.AsArray();
    }

    private async Task<JsonNode> DeliveryAsync(string customerId, string channel, Func<JsonNode, bool> until) =>
        (await Poll.UntilAsync(async () => (await NotificationsOfAsync(customerId)).FirstOrDefault(n => (string?)n!["channel"] == channel),
            last => last is not null && until(last), $"the {channel} delivery of {customerId}", NotificationApp.Patience, TimeSpan.FromMilliseconds(100)))!;

    /// <summary>
    /// How long a test watches for a message that must not be sent (a second email, an SMS nobody asked for). Nothing
    /// announces that a message will never be sent, so this is a bounded wait (Poll.StaysAsync); Notification sends
    /// within the handling of the event, which has finished by the time the first email or delivery is seen.
    /// </summary>
    private static readonly TimeSpan NothingMoreWindow = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task OrderConfirmed_KoreanCustomer_KoreanEmailArrives()
    {
        var customer = Customer("ko");
        var confirmed = Confirmed(customer);

        await App.Probe.SendAsync(confirmed);

        var email = await App.Smtp.WaitForAsync(customer.Email);
        Assert.Equal($"[Agora] 주문이 확정되었습니다 ({confirmed.OrderId})", email.Subject);
        Assert.Equal("orders@agora.test", email.From);
        Assert.Contains("김민지님, 안녕하세요.", email.Html, StringComparison.Ordinal);
        Assert.Contains("50,000 KRW", email.Html, StringComparison.Ordinal);
        Assert.Contains("Kettle × 2, Mug × 1", email.Html, StringComparison.Ordinal);
        Assert.Contains(confirmed.OrderId, email.Text, StringComparison.Ordinal);
        Assert.Equal("김민지", email.Message.To.Mailboxes.Single().Name);

        var delivery = await DeliveryAsync(customer.CustomerId, "email", d => (string?)d["status"] == "sent");
        Assert.Equal(1, (int)delivery["attempts"]!);
        Assert.Equal("ko", (string?)delivery["locale"]);
        Assert.Equal("order_confirmed", (string?)delivery["event_type"]);
        Assert.Equal(email.Subject, (string?)delivery["subject"]);
    }

    [Fact]
    public async Task OrderConfirmed_EnglishCustomer_EnglishEmailArrives()
    {
        var customer = Customer("en");
        var confirmed = Confirmed(customer);

        await App.Probe.SendAsync(confirmed);

        var email = await App.Smtp.WaitForAsync(customer.Email);
        Assert.Equal($"[Agora] Your order {confirmed.OrderId} is confirmed", email.Subject);
        Assert.Contains("Hello Alex Kim,", email.Html, StringComparison.Ordinal);
        Assert.Contains("Total: 50,000 KRW", email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderConfirmed_LocaleWithoutTemplates_FallsBackToEnglish()
    {
        var customer = Customer("fr-FR", "Camille");
        var confirmed = Confirmed(customer);

        await App.Probe.SendAsync(confirmed);

        var email = await App.Smtp.WaitForAsync(customer.Email);
        Assert.Equal($"[Agora] Your order {confirmed.OrderId} is confirmed", email.Subject);
        Assert.Equal("en", (string?)(await DeliveryAsync(customer.CustomerId, "email", d => (string?)d["status"] == "sent"))["locale"]);
    }

    [Fact]
    public async Task OrderConfirmed_NameWithMarkup_IsEscapedInTheEmailBody()
    {
        var customer = Customer("en", "<img src=x onerror=alert(1)> Mallory");

        await App.Probe.SendAsync(Confirmed(customer));

        var email = await App.Smtp.WaitForAsync(customer.Email);
        Assert.DoesNotContain("<img", email.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt; Mallory", email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameEventTwice_SendsOneEmail()
    {
        var customer = Customer("en");
        var confirmed = Confirmed(customer);

        await App.Probe.SendAsync(confirmed);
        await App.Probe.SendAsync(confirmed);

        await App.Smtp.WaitForAsync(customer.Email);
        await DeliveryAsync(customer.CustomerId, "email", d => (string?)d["status"] == "sent");
        await Poll.StaysAsync(() => App.Smtp.To(customer.Email).Count == 1, "one email", NothingMoreWindow);
        var delivery = Assert.Single(await NotificationsOfAsync(customer.CustomerId))!;
        Assert.Equal(1, (int)delivery["attempts"]!);
    }

    [Fact]
    public async Task OrderShipped_SendsEmailAndSmsThroughTheWebhook()
    {
        var customer = Customer("ko");
        var shipped = new OrderShipped(Guid.NewGuid(), DateTimeOffset.UtcNow, NewId("ord"), customer, "CJ Logistics", "KR123456789");

        await App.Probe.SendAsync(shipped);

        var sms = await App.Sms.WaitForAsync(c => (string?)c.Body["customer_id"] == customer.CustomerId, "the shipped SMS");
        Assert.Equal($"[Agora] 주문 {shipped.OrderId} 발송 완료. CJ Logistics 운송장 번호 KR123456789", (string?)sms.Body["text"]);
        Assert.Equal("order_shipped", (string?)sms.Body["event_type"]);
        Assert.Equal(shipped.OrderId, (string?)sms.Body["order_id"]);
        Assert.Equal("Bearer sms-provider-key", sms.Authorization);
        Assert.StartsWith("ntf_", sms.IdempotencyKey, StringComparison.Ordinal);

        var email = await App.Smtp.WaitForAsync(customer.Email);
        Assert.Contains("KR123456789", email.Html, StringComparison.Ordinal);
        Assert.Contains("CJ Logistics", email.Html, StringComparison.Ordinal);
        await DeliveryAsync(customer.CustomerId, "sms", d => (string?)d["status"] == "sent");
    }

    [Fact]
    public async Task OrderConfirmed_ByDefault_SendsNoSms()
    {
        var customer = Customer("en");
        await App.Probe.SendAsync(Confirmed(customer));

        await App.Smtp.WaitForAsync(customer.Email);
        await Poll.StaysAsync(() => !App.Sms.Calls.Any(c => (string?)c.Body["customer_id"] == customer.CustomerId), "no SMS", NothingMoreWindow);
        Assert.DoesNotContain(await NotificationsOfAsync(customer.CustomerId), n => (string?)n!["channel"] == "sms");
    }

    [Fact]
    public async Task SmtpDown_RetriesThenDeadLettersAndLogsFailure_ReplaySendsOnce()
    {
        var customer = Customer("en");
        var cancelled = new OrderCancelled(Guid.NewGuid(), DateTimeOffset.UtcNow, NewId("ord"), customer, "out of stock");
        var store = App.Services.GetRequiredService<IMessageStore>();

        await App.Smtp.StopAsync();
        try
        {
            await App.Probe.SendAsync(cancelled);

            var dead = await DeadLetterAsync(store, cancelled.EventId);
            Assert.Contains("OrderCancelled", dead.MessageType, StringComparison.Ordinal);
            var failed = await DeliveryAsync(customer.CustomerId, "email", d => (string?)d["status"] == "failed" && (int)d["attempts"]! == 6);
            Assert.False(string.IsNullOrWhiteSpace((string?)failed["last_error"]));
            Assert.Null((string?)failed["sent_at"]);
            Assert.Empty(App.Smtp.To(customer.Email));
        }
        finally
        {
            await App.Smtp.StartAsync();
        }

        var again = await DeadLetterAsync(store, cancelled.EventId);
        await store.DeadLetters.ReplayAsync(new DeadLetterEnvelopeQuery { MessageIds = [again.Id] }, CancellationToken.None);

        var email = await App.Smtp.WaitForAsync(customer.Email, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal($"[Agora] Your order {cancelled.OrderId} was cancelled", email.Subject);
        Assert.Contains("Reason: out of stock", email.Html, StringComparison.Ordinal);
        var sent = await DeliveryAsync(customer.CustomerId, "email", d => (string?)d["status"] == "sent");
        Assert.Equal(7, (int)sent["attempts"]!);
        Assert.Null((string?)sent["last_error"]);
        await Poll.StaysAsync(() => App.Smtp.To(customer.Email).Count == 1, "one email after the replay", NothingMoreWindow);
    }

    private static Task<DeadLetterEnvelope> DeadLetterAsync(IMessageStore store, Guid eventId) =>
        Poll.UntilFoundAsync(async () =>
        {
            var result = await store.DeadLetters.QueryAsync(new DeadLetterEnvelopeQuery { PageSize = 500 }, CancellationToken.None);
            return result.Envelopes.FirstOrDefault(e => e.ExceptionMessage?.Contains(eventId.ToString(), StringComparison.Ordinal) == true);
        }, $"event {eventId} in the dead-letter queue", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));

    [Fact]
    public async Task ListNotifications_Customer_SeesOnlyOwn()
    {
        var alice = Customer("en");
        var bob = Customer("en");
        // Two independent messages are handled in no set order, so the second is sent only once the first has made its
        // notification: "newest first" below is then a fact about the list, not about a race between two handlers.
        await App.Probe.SendAsync(Confirmed(alice));
        await App.Smtp.WaitForAsync(alice.Email, m => m.Subject.Contains("confirmed", StringComparison.Ordinal));
        await App.Probe.SendAsync(new OrderDelivered(Guid.NewGuid(), DateTimeOffset.UtcNow, NewId("ord"), alice));
        await App.Probe.SendAsync(Confirmed(bob));
        await App.Smtp.WaitForAsync(bob.Email);
        await App.Smtp.WaitForAsync(alice.Email, m => m.Subject.Contains("delivered", StringComparison.Ordinal));
        await DeliveryAsync(alice.CustomerId, "email", d => (string?)d["status"] == "sent");

        var own = await SendAsync(HttpMethod.Get, "/api/v1/notifications", App.CustomerToken(alice.CustomerId));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var items = (await own.BodyAsync())["data"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.All(items, n => Assert.Equal(alice.CustomerId, (string?)n!["customer_id"]));
        Assert.Equal(["order_delivered", "order_confirmed"], items.Select(n => (string)n!["event_type"]!).ToArray()); // newest first
        Assert.All(items, n => Assert.Null((string?)n!["last_error"]));

        var page = await (await SendAsync(HttpMethod.Get, "/api/v1/notifications?per_page=1", App.CustomerToken(alice.CustomerId))).BodyAsync();
        Assert.Single(page["data"]!.AsArray());
        var next = await (await SendAsync(HttpMethod.Get, "/api/v1/notifications?per_page=1&cursor=" + page["pagination"]!["next_cursor"],
            App.CustomerToken(alice.CustomerId))).BodyAsync();
        Assert.Equal("order_confirmed", (string?)Assert.Single(next["data"]!.AsArray())!["event_type"]);
        Assert.Null((string?)next["pagination"]!["next_cursor"]);

        var bobsId = (string)(await NotificationsOfAsync(bob.CustomerId)).Single()!["id"]!;
        await (await SendAsync(HttpMethod.Get, $"/api/v1/notifications/{bobsId}", App.CustomerToken(alice.CustomerId)))
            .AssertErrorAsync(404, "NOTIFICATION_NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/api/v1/notifications/{bobsId}", App.CustomerToken(bob.CustomerId))).StatusCode);
        await (await SendAsync(HttpMethod.Get, $"/api/v1/notifications?customer_id={bob.CustomerId}", App.CustomerToken(alice.CustomerId)))
            .AssertErrorAsync(403, "FORBIDDEN");
        await (await SendAsync(HttpMethod.Get, "/api/v1/notifications", App.CustomerToken(alice.CustomerId, scope: "read:orders")))
            .AssertErrorAsync(403, "FORBIDDEN");
        await (await SendAsync(HttpMethod.Get, "/api/v1/notifications", null)).AssertErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Templates_SeededForKoreanAndEnglish_OnEveryChannel()
    {
        var all = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var body = await (await SendAsync(HttpMethod.Get, "/api/v1/admin/notification-templates?per_page=7" + (cursor is null ? "" : "&cursor=" + cursor),
                App.Identity.AdminToken())).BodyAsync();
            all.AddRange(body["data"]!.AsArray()!);
            cursor = (string?)body["pagination"]!["next_cursor"];
        }
        while (cursor is not null);

        var seeded = all.Where(t => (string?)t["locale"] is "ko" or "en").Select(t => ((string)t["event_type"]!, (string)t["channel"]!, (string)t["locale"]!)).ToHashSet();
        foreach (var type in new[] { "order_confirmed", "order_cancelled", "order_payment_failed", "order_shipped", "order_delivered" })
        {
            foreach (var channel in new[] { "email", "sms", "push" })
            {
                Assert.Contains((type, channel, "ko"), seeded);
                Assert.Contains((type, channel, "en"), seeded);
            }
        }

        var shipped = await (await SendAsync(HttpMethod.Get, "/api/v1/admin/notification-templates?event_type=order_shipped&channel=email&locale=ko",
            App.Identity.AdminToken())).BodyAsync();
        var template = Assert.Single(shipped["data"]!.AsArray())!;
        Assert.Contains("tracking_number", template["placeholders"]!.AsArray().Select(p => (string)p!));
    }

    [Fact]
    public async Task Templates_AdminCreatesReplacesAndDeletes_NewLocaleIsUsed()
    {
        var admin = App.Identity.AdminToken();
        var locale = "ja";
        var created = await SendAsync(HttpMethod.Post, "/api/v1/admin/notification-templates", admin, Json.Of(new
        {
            event_type = "order_delivered", channel = "email", locale,
            subject = "[Agora] 配達完了 {{order_id}}", body = "<p>{{customer_name}} 様、ご注文 {{order_id}} をお届けしました。</p>",
        }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (string)(await created.BodyAsync())["data"]!["id"]!;
        Assert.Equal($"/api/v1/admin/notification-templates/{id}", created.Headers.Location!.OriginalString);

        var duplicate = await SendAsync(HttpMethod.Post, "/api/v1/admin/notification-templates", admin, Json.Of(new
        {
            event_type = "order_delivered", channel = "email", locale, subject = "x", body = "y",
        }));
        await duplicate.AssertErrorAsync(409, "TEMPLATE_EXISTS");

        var read = await SendAsync(HttpMethod.Get, $"/api/v1/admin/notification-templates/{id}", admin);
        var etag = read.Headers.ETag!.Tag;
        var stale = await SendAsync(HttpMethod.Put, $"/api/v1/admin/notification-templates/{id}", admin, Json.Of(new
        {
            event_type = "order_delivered", channel = "email", locale, subject = "s", body = "b",
        }), r => r.Headers.IfMatch.Add(new EntityTagHeaderValue("\"999\"")));
        await stale.AssertErrorAsync(412, "PRECONDITION_FAILED");
        var replaced = await SendAsync(HttpMethod.Put, $"/api/v1/admin/notification-templates/{id}", admin, Json.Of(new
        {
            event_type = "order_delivered", channel = "email", locale,
            subject = "[Agora] お届け完了 {{order_id}}", body = "<p>{{customer_name}} 様、ご注文 {{order_id}} をお届けしました。</p>",
        }), r => r.Headers.IfMatch.Add(new EntityTagHeaderValue(etag)));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);

        var customer = Customer("ja-JP", "佐藤");
        var delivered = new OrderDelivered(Guid.NewGuid(), DateTimeOffset.UtcNow, NewId("ord"), customer);
        await App.Probe.SendAsync(delivered);
        var email = await App.Smtp.WaitForAsync(customer.Email);
        Assert.Equal($"[Agora] お届け完了 {delivered.OrderId}", email.Subject);
        Assert.Contains("佐藤 様", email.Html, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/api/v1/admin/notification-templates/{id}", admin)).StatusCode);
        await (await SendAsync(HttpMethod.Get, $"/api/v1/admin/notification-templates/{id}", admin)).AssertErrorAsync(404, "TEMPLATE_NOT_FOUND");
    }

    [Fact]
    public async Task Templates_UnknownPlaceholderAndWrongShape_422WithDetails()
    {
        var admin = App.Identity.AdminToken();
        var response = await SendAsync(HttpMethod.Post, "/api/v1/admin/notification-templates", admin, Json.Of(new
        {
            event_type = "order_confirmed", channel = "sms", locale = "ko", subject = "no subject for sms",
            body = "{{customer_name}}, your password is {{password}} and {{tracking_number}}",
        }));

        var error = await response.AssertErrorAsync(422, "VALIDATION_ERROR");
        var details = error["details"]!.AsArray().Select(d => ((string)d!["field"]!, (string)d["message"]!)).ToList();
        Assert.Contains(details, d => d.Item1 == "subject");
        Assert.Contains(details, d => d.Item1 == "body" && d.Item2.Contains("{{password}}", StringComparison.Ordinal));
        Assert.Contains(details, d => d.Item1 == "body" && d.Item2.Contains("{{tracking_number}}", StringComparison.Ordinal));

        var shape = await SendAsync(HttpMethod.Post, "/api/v1/admin/notification-templates", admin, Json.Of(new
        {
            event_type = "order_exploded", channel = "fax", locale = "korean", body = "{{order_id",
        }));
        var fields = (await shape.AssertErrorAsync(422, "VALIDATION_ERROR"))["details"]!.AsArray().Select(d => (string)d!["field"]!).ToList();
        Assert.Contains("event_type", fields);
        Assert.Contains("channel", fields);
        Assert.Contains("locale", fields);
    }

    [Fact]
    public async Task Templates_Preview_FillsASampleOrderInTheLocalesLanguage_AndSavesNothing()
    {
        var admin = App.Identity.AdminToken();
        var before = await TemplateCountAsync(admin);
        var draft = new
        {
            event_type = "order_confirmed", channel = "email", locale = "ko",
            subject = "[Agora] {{order_id}} 주문 확인", body = "<p>{{customer_name}}님, {{items}} 합계 {{total}}</p>",
        };

        var korean = await SendAsync(HttpMethod.Post, "/api/v1/admin/notification-templates/preview", admin, Json.Of(draft));

        Assert.Equal(HttpStatusCode.OK, korean.StatusCode);
        var ko = (await korean.BodyAsync())["data"]!;
        Assert.Equal("ko", (string?)ko["locale"]);
        Assert.Equal("[Agora] ord_0123456789abcdef 주문 확인", (string?)ko["subject"]);
        Assert.StartsWith("<p>김민지님, ", (string?)ko["body"], StringComparison.Ordinal);
        Assert.Equal("김민지님, 전기 주전자 × 2, 머그컵 × 1 합계 50,000 KRW", (string?)ko["text"]);

        var english = await SendAsync(HttpMethod.Post, "/api/v1/admin/notification-templates/preview", admin,
            Json.Of(draft with { locale = "en", subject = "Order {{order_id}}", body = "Hi {{customer_name}}" }));
        var en = (await english.BodyAsync())["data"]!;
        Assert.Equal("Hi Alex Kim", (string?)en["text"]);

        var sms = await SendAsync(HttpMethod.Post, "/api/v1/admin/notification-templates/preview", admin, Json.Of(new
        {
            event_type = "order_shipped", channel = "sms", locale = "en", body = "{{carrier}} {{tracking_number}} <b>",
        }));
        var text = (await sms.BodyAsync())["data"]!;
        Assert.Null((string?)text["subject"]);
        Assert.Equal("CJ Logistics CJ1234567890 <b>", (string?)text["body"]); // an SMS is text: nothing escaped or stripped

        var invalid = await SendAsync(HttpMethod.Post, "/api/v1/admin/notification-templates/preview", admin,
            Json.Of(draft with { body = "{{password}}" }));
        await invalid.AssertErrorAsync(422, "VALIDATION_ERROR");
        Assert.Equal(before, await TemplateCountAsync(admin));
    }

    [Fact]
    public async Task Templates_Preview_CustomerToken_403()
    {
        var response = await SendAsync(HttpMethod.Post, "/api/v1/admin/notification-templates/preview", App.CustomerToken("usr_customer"),
            Json.Of(new { event_type = "order_delivered", channel = "push", locale = "en", subject = "s", body = "b" }));
        await response.AssertErrorAsync(403, "FORBIDDEN");
    }

    private async Task<int> TemplateCountAsync(string admin)
    {
        var response = await SendAsync(HttpMethod.Get, "/api/v1/admin/notification-templates?limit=100", admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.BodyAsync())["data"]!.AsArray().Count;
    }

    [Fact]
    public async Task Templates_CustomerToken_403()
    {
        var response = await SendAsync(HttpMethod.Get, "/api/v1/admin/notification-templates", App.CustomerToken("usr_customer"));
        await response.AssertErrorAsync(403, "FORBIDDEN");
    }
}

public sealed class EmbeddedNotificationTests(EmbeddedNotificationFixture fixture)
    : NotificationBehaviour(fixture), IClassFixture<EmbeddedNotificationFixture>;

public sealed class DistributedNotificationTests(DistributedNotificationFixture fixture)
    : NotificationBehaviour(fixture), IClassFixture<DistributedNotificationFixture>;
