using Microsoft.Extensions.DependencyInjection;
using System.Security.Claims;
using System.Text.Json;
using Agora.Web.Components.Console;
using Agora.Web.Features.Console;
using Bunit;

namespace Agora.Web.Tests;

/// <summary>
/// The console's rules without a browser: who is staff (role AND granted scope, neither alone), the one table across
/// services, what a replay's outcome says, and the buttons that post to the services' APIs.
/// </summary>
public sealed class ConsoleTests : IDisposable
{
    private readonly BunitContext _context = ComponentContext.Create();

    [Fact]
    public void Staff_IsTheAdminRole_AndTheGrantedStaffScope_NeitherAlone()
    {
        Assert.True(ConsoleAuthorization.IsStaff(User(("role", "customer"), ("role", "admin"), ("agora_scope", "admin:ops"))));
        // The role alone: a sign-in Identity did not grant admin:ops (a demoted admin, or a client not allowed it).
        Assert.False(ConsoleAuthorization.IsStaff(User(("role", "admin"), ("agora_scope", "read:orders"))));
        // The scope alone is what a customer would hold if Identity ever erred: still no console.
        Assert.False(ConsoleAuthorization.IsStaff(User(("role", "customer"), ("agora_scope", "admin:ops"))));
        // A role spelled into another claim type does not count.
        Assert.False(ConsoleAuthorization.IsStaff(User(("roles", "admin"), ("agora_scope", "admin:ops"))));
        // Nobody signed in.
        Assert.False(ConsoleAuthorization.IsStaff(new ClaimsPrincipal(new ClaimsIdentity([new Claim("role", "admin"), new Claim("agora_scope", "admin:ops")]))));
    }

    [Fact]
    public void ScopeClaims_AreWhatTheTokenResponseGranted()
    {
        var claims = ConsoleAuthorization.ScopeClaims("openid  read:orders admin:ops read:orders").Select(c => c.Value).ToList();
        Assert.Equal(["openid", "read:orders", "admin:ops"], claims);
        Assert.Empty(ConsoleAuthorization.ScopeClaims(null));
    }

    [Fact]
    public void Table_MergesEveryService_NewestFailureFirst_AndSaysWhenAServiceHoldsMore()
    {
        var at = new DateTime(2026, 12, 7, 10, 0, 0, DateTimeKind.Utc);
        ServiceDeadLetters[] lists =
        [
            new("catalog", [Letter("dl_a", at)], 1, null),
            new("notification", [Letter("dl_b", at.AddMinutes(5)), Letter("dl_c", at.AddMinutes(-5))], 140, null),
            new("search", [], 0, new StaffError(503, "GATEWAY_UNREACHABLE", "down")),
        ];

        var rows = DeadLetterTable.Rows(lists);

        Assert.Equal(["dl_b", "dl_a", "dl_c"], rows.Select(r => r.Id));
        Assert.Equal(["notification", "catalog", "notification"], rows.Select(r => r.Service));
        Assert.Equal("3 dead letters, newest failure first; showing 3 of 141 (notification hold more than 100)", DeadLetterTable.Caption(lists, rows.Count));
        Assert.Equal("1 dead letter, newest failure first", DeadLetterTable.Caption([lists[0]], 1));
    }

    [Fact]
    public void Outcome_SaysWhatHappened_AndNothingForAnUnknownValue()
    {
        Assert.StartsWith("Dead letter dl_1 in notification was handed back", DeadLetterTable.Outcome("replayed", "notification", "dl_1"), StringComparison.Ordinal);
        Assert.Contains("discarded", DeadLetterTable.Outcome("discarded", "catalog", "dl_1"), StringComparison.Ordinal);
        Assert.Contains("no longer there", DeadLetterTable.Outcome("gone", "catalog", "dl_1"), StringComparison.Ordinal);
        Assert.Contains("Sign in again", DeadLetterTable.Outcome("refused", "catalog", "dl_1"), StringComparison.Ordinal);
        Assert.Null(DeadLetterTable.Outcome("<script>", "catalog", "dl_1"));
        Assert.Null(DeadLetterTable.Outcome(null, null, null));
    }

    [Fact]
    public void Buttons_PostToTheDeadLettersService_WithAntiforgery_AndDiscardOnlyWhereAsked()
    {
        var letter = Letter("dl_42", DateTime.UtcNow) with { Service = "notification" };

        var table = _context.Render<DeadLetterButtons>(p => p.Add(b => b.Letter, letter));
        var form = table.Find("form");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("/console/dead-letters/notification/dl_42/replay", form.GetAttribute("action"));
        Assert.Equal("Replay OrderConfirmed dl_42", table.Find("button").GetAttribute("aria-label"));
        Assert.Empty(table.FindAll("[data-testid=discard]"));

        var detail = _context.Render<DeadLetterButtons>(p => p.Add(b => b.Letter, letter).Add(b => b.Discard, true));
        Assert.Equal(["/console/dead-letters/notification/dl_42/replay", "/console/dead-letters/notification/dl_42/discard"],
            detail.FindAll("form").Select(f => f.GetAttribute("action")));
        Assert.Equal("Discard OrderConfirmed dl_42", detail.Find("[data-testid=discard]").GetAttribute("aria-label"));
    }

    [Fact]
    public void Detail_ShowsTheBodyIndented_OrNothingWhenItIsNotJson()
    {
        using var body = JsonDocument.Parse("""{"order_id":"ord_1","total":{"amount":"1000"}}""");
        var detail = new DeadLetterDetail("dl_1", "m", "Agora.Contracts.OrderConfirmed", new("System.Exception", "451"), 6, DateTime.UtcNow,
            DateTime.UtcNow, 0, null, null, null, null, DateTime.UtcNow, false, body.RootElement.Clone(), "application/json");
        Assert.Contains("\n  \"order_id\": \"ord_1\"", detail.IndentedMessage, StringComparison.Ordinal);
        Assert.Null((detail with { Message = null }).IndentedMessage);
        Assert.Equal("OrderConfirmed", Letter("x", DateTime.UtcNow).ShortType);
    }

    [Fact]
    public void ForbiddenPage_IsAWholeDocument_WithAHeadingAndAWayBack()
    {
        var page = _context.Render<ForbiddenPage>();
        Assert.StartsWith("<html lang=\"en\">", page.Markup.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("<title>Not allowed · Agora</title>", page.Markup, StringComparison.Ordinal);
        Assert.Equal("You cannot open this page", page.Find("h1").TextContent);
        Assert.Equal("/", page.Find("main a").GetAttribute("href"));
    }

    private static DeadLetter Letter(string id, DateTime failedAt) =>
        new(id, "Agora.Contracts.OrderConfirmed", new("Agora.Notification.DeliveryFailed", "451"), 6, failedAt, 0, null, "ordering", false);

    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));

    public void Dispose() => _context.Dispose();
}

/// <summary>The console's order views: what is in flight, what is stuck past a step's timeout, and how idle reads.</summary>
public sealed class SagaBoardTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public void Stuck_IsInFlight_AndUnchangedLongerThanAStep()
    {
        Assert.True(SagaBoard.IsStuck(Row("o1", "authorize_payment", Now.AddSeconds(-16)), Now, StepTimeout));
        Assert.False(SagaBoard.IsStuck(Row("o2", "authorize_payment", Now.AddSeconds(-15)), Now, StepTimeout));
        // A compensation under way is in flight too.
        Assert.True(SagaBoard.IsStuck(Row("o3", "release_stock", Now.AddMinutes(-3)), Now, StepTimeout));
        // Settled sagas are never stuck, however old.
        Assert.False(SagaBoard.IsStuck(Row("o4", "completed", Now.AddDays(-3)), Now, StepTimeout));
        Assert.False(SagaBoard.IsStuck(Row("o5", "failed", Now.AddDays(-3)), Now, StepTimeout));
    }

    [Fact]
    public void Select_KeepsOnlyTheStuckForThatView_NewestFirst_OncePerOrder()
    {
        SagaRow[] rows =
        [
            Row("o1", "reserve_stock", Now.AddSeconds(-5), placed: Now.AddMinutes(-1)),
            Row("o2", "capture_payment", Now.AddMinutes(-5), placed: Now.AddMinutes(-6)),
            Row("o3", "commit_stock", Now.AddMinutes(-1), placed: Now.AddMinutes(-2)),
            Row("o3", "commit_stock", Now.AddMinutes(-1), placed: Now.AddMinutes(-2)),
        ];

        Assert.Equal(["o1", "o3", "o2"], SagaBoard.Select(SagaBoard.InFlight, rows, Now, StepTimeout).Select(r => r.Id));
        Assert.Equal(["o3", "o2"], SagaBoard.Select(SagaBoard.Stuck, rows, Now, StepTimeout).Select(r => r.Id));
    }

    [Fact]
    public void Normalize_FallsBackToInFlight_AndIdleReadsInTheRightUnit()
    {
        Assert.Equal("failed", SagaBoard.Normalize("failed"));
        Assert.Equal("in_flight", SagaBoard.Normalize("completed"));
        Assert.Equal("in_flight", SagaBoard.Normalize(null));
        Assert.Equal("42 s", SagaBoard.Idle(Row("o", "reserve_stock", Now.AddSeconds(-42)), Now));
        Assert.Equal("5 min", SagaBoard.Idle(Row("o", "reserve_stock", Now.AddMinutes(-5)), Now));
        Assert.Equal("3 h", SagaBoard.Idle(Row("o", "reserve_stock", Now.AddHours(-3)), Now));
        Assert.Equal("4 d", SagaBoard.Idle(Row("o", "reserve_stock", Now.AddDays(-4)), Now));
        Assert.Equal("0 s", SagaBoard.Idle(Row("o", "reserve_stock", Now.AddSeconds(3)), Now));
    }

    private static SagaRow Row(string id, string state, DateTimeOffset updated, DateTimeOffset? placed = null) =>
        new(id, "usr_1", "pending", state, new Agora.Web.Features.Shop.Money("1000", "KRW"), 1, placed ?? updated, updated);
}
