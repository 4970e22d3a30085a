using System.Net;
using System.Net.Http.Headers;
using Agora.Notification.Tests.Infrastructure;

namespace Agora.Notification.Tests;

/// <summary>
/// The templates every customer's mail is made of, and everyone's notifications, are staff's: role <c>admin</c> AND
/// scope <c>admin:ops</c>. The role alone (a partner's token) or the scope alone (a customer's) is refused.
/// </summary>
public sealed class TrustBoundaryTests(EmbeddedNotificationFixture fixture) : IClassFixture<EmbeddedNotificationFixture>
{
    private const string Templates = "/api/v1/admin/notification-templates";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : Json.Of(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await fixture.Client.SendAsync(request);
    }

    public static TheoryData<string> NotStaff =>
    [
        "admin role without admin:ops (a partner's token)",
        "customer who minted admin:ops",
    ];

    private string Token(string who) => who switch
    {
        "admin role without admin:ops (a partner's token)" =>
            fixture.App.Identity.Token().Subject("usr_admin").Claim("client_id", "agora-partner").Roles("admin").Scope("read:notifications profile").Build(),
        "customer who minted admin:ops" => fixture.App.Identity.CustomerToken("usr_phisher", "openid read:notifications admin:ops"),
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };

    [Theory]
    [MemberData(nameof(NotStaff))]
    public async Task Not_staff_cannot_read_or_rewrite_notification_templates_403(string who)
    {
        var token = Token(who);
        await (await SendAsync(HttpMethod.Get, Templates, token)).AssertErrorAsync(403, "FORBIDDEN");
        await (await SendAsync(HttpMethod.Post, Templates, token, new
        {
            event_type = "order_confirmed", channel = "email", locale = "en",
            subject = "Your account is locked", body = "Sign in at https://evil.example to unlock it.",
        })).AssertErrorAsync(403, "FORBIDDEN");
        await (await SendAsync(HttpMethod.Put, Templates + "/tpl_x", token, new { })).AssertErrorAsync(403, "FORBIDDEN");
        await (await SendAsync(HttpMethod.Delete, Templates + "/tpl_x", token)).AssertErrorAsync(403, "FORBIDDEN");
    }

    [Theory]
    [MemberData(nameof(NotStaff))]
    public async Task Not_staff_cannot_replay_dead_letters_403(string who)
    {
        var token = Token(who);
        await (await SendAsync(HttpMethod.Post, "/api/v1/admin/dead-letters/replay", token, new { })).AssertErrorAsync(403, "FORBIDDEN");
        await (await SendAsync(HttpMethod.Get, "/api/v1/admin/dead-letters", token)).AssertErrorAsync(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Admin_role_without_admin_ops_sees_only_its_own_notifications()
    {
        var partner = Token("admin role without admin:ops (a partner's token)");
        await (await SendAsync(HttpMethod.Get, "/api/v1/notifications?customer_id=usr_someone_else", partner)).AssertErrorAsync(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Staff_with_role_and_admin_ops_reads_templates()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, Templates, fixture.App.Identity.StaffToken("admin:ops"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/v1/admin/dead-letters", fixture.App.Identity.StaffToken("admin:ops"))).StatusCode);
    }
}
