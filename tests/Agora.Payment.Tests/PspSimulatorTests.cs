using System.Net;
using Agora.Payment.Tests.Infrastructure;

namespace Agora.Payment.Tests;

/// <summary>The simulator as a client of a real provider sees it: idempotent by key, refusals, and the injected failures.</summary>
public sealed class PspSimulatorTests : IAsyncLifetime
{
    private PspSimulatorHost _psp = null!;

    public async Task InitializeAsync() => _psp = await PspSimulatorHost.StartAsync(new Dictionary<string, string?>
    {
        ["Psp:Behaviour:DeclineCustomers:0"] = "usr_broke",
        ["Psp:Seed"] = "42",
    });

    public async Task DisposeAsync() => await _psp.DisposeAsync();

    private static string NewRef() => "ord_" + Guid.NewGuid().ToString("N");

    private async Task<HttpResponseMessage> PostAsync(string path, object? body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : Json.Of(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await _psp.Client.SendAsync(request);
    }

    private Task<HttpResponseMessage> AuthorizeAsync(string reference, string key, string amount = "50000", string customer = "usr_1") =>
        PostAsync("v1/authorizations", new { amount, currency = "KRW", reference, customer }, key);

    private async Task<string> AuthorizedIdAsync(string reference)
    {
        var response = await AuthorizeAsync(reference, "k-" + reference);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.BodyAsync())["id"]!;
    }

    [Fact]
    public async Task Authorize_SameKeyAndBody_ReplaysTheAnswerWithoutASecondCharge()
    {
        var reference = NewRef();
        var first = await AuthorizeAsync(reference, "same-" + reference);
        var second = await AuthorizeAsync(reference, "same-" + reference, amount: "50000.00");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal((string?)(await first.BodyAsync())["id"], (string?)(await second.BodyAsync())["id"]);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        var hold = Assert.Single(await _psp.AuthorizationsAsync(reference));
        Assert.Equal("authorized", (string?)hold!["status"]);
        Assert.StartsWith("auth_", (string?)hold["id"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_SameKeyOtherBody_Is422AndChargesNothingMore()
    {
        var reference = NewRef();
        await AuthorizeAsync(reference, "reuse-" + reference);
        var reused = await AuthorizeAsync(reference, "reuse-" + reference, amount: "1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("idempotency_key_reused", (string?)(await reused.BodyAsync())["error"]!["code"]);
        Assert.Single(await _psp.AuthorizationsAsync(reference));
    }

    [Fact]
    public async Task Post_WithoutIdempotencyKey_Is400()
    {
        var reference = NewRef();
        var response = await AuthorizeAsync(reference, key: null!);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("idempotency_key_required", (string?)(await response.BodyAsync())["error"]!["code"]);
        var bad = await PostAsync("v1/authorizations", new { amount = "-5", currency = "KRW", reference, customer = "c" }, "neg-" + reference);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Empty(await _psp.AuthorizationsAsync(reference));
    }

    [Fact]
    public async Task Authorize_DeclinedCustomer_Is402AndNothingIsHeld()
    {
        var reference = NewRef();
        var response = await AuthorizeAsync(reference, "d-" + reference, customer: "usr_broke");
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("card_declined", (string?)(await response.BodyAsync())["error"]!["code"]);
        Assert.Empty(await _psp.AuthorizationsAsync(reference));
    }

    [Fact]
    public async Task CaptureVoidRefund_FollowTheRulesAndAreIdempotent()
    {
        var voidable = await AuthorizedIdAsync(NewRef());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync($"v1/authorizations/{voidable}/void", null, "v-" + voidable)).StatusCode);
        var captureVoided = await PostAsync($"v1/authorizations/{voidable}/capture", null, "c-" + voidable);
        Assert.Equal(HttpStatusCode.Conflict, captureVoided.StatusCode);
        Assert.Equal("authorization_voided", (string?)(await captureVoided.BodyAsync())["error"]!["code"]);

        var id = await AuthorizedIdAsync(NewRef());
        var refundEarly = await PostAsync("v1/refunds", new { authorization_id = id, amount = "1" }, "r0-" + id);
        Assert.Equal(HttpStatusCode.Conflict, refundEarly.StatusCode);
        var captured = await PostAsync($"v1/authorizations/{id}/capture", null, "c-" + id);
        Assert.Equal("captured", (string?)(await captured.BodyAsync())["status"]);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync($"v1/authorizations/{id}/void", null, "v-" + id)).StatusCode);
        var tooMuch = await PostAsync("v1/refunds", new { authorization_id = id, amount = "50001" }, "r1-" + id);
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.StatusCode);
        var refund = await PostAsync("v1/refunds", new { authorization_id = id, amount = "20000" }, "r2-" + id);
        Assert.Equal(HttpStatusCode.Created, refund.StatusCode);
        var again = await PostAsync("v1/refunds", new { authorization_id = id, amount = "20000" }, "r2-" + id);
        Assert.Equal((string?)(await refund.BodyAsync())["id"], (string?)(await again.BodyAsync())["id"]);
        Assert.Single(await _psp.RefundsAsync(id));
        var hold = (await (await _psp.Client.GetAsync($"v1/authorizations/{id}")).BodyAsync());
        Assert.Equal("20000", (string?)hold["amount_refunded"]);
    }

    [Fact]
    public async Task Outage_ClosesConnectionsWhileAdminStillAnswers()
    {
        await _psp.SetAsync(new { outage = true });
        try
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => AuthorizeAsync(NewRef(), "o-" + Guid.NewGuid()));
            var behaviour = await (await _psp.Client.GetAsync("admin/behaviour")).BodyAsync();
            Assert.True((bool)behaviour["outage"]!);
        }
        finally
        {
            await _psp.HealthyAsync();
        }

        Assert.Equal(HttpStatusCode.Created, (await AuthorizeAsync(NewRef(), "o-" + Guid.NewGuid())).StatusCode);
    }

    [Fact]
    public async Task ErrorRate_One_Answers503AndDoesNothing()
    {
        var reference = NewRef();
        await _psp.SetAsync(new { error_rate = 1.0 });
        try
        {
            var response = await AuthorizeAsync(reference, "e-" + reference);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        finally
        {
            await _psp.HealthyAsync();
        }

        Assert.Empty(await _psp.AuthorizationsAsync(reference));
        // The key was not used up by the failed attempt: the retry does the work.
        Assert.Equal(HttpStatusCode.Created, (await AuthorizeAsync(reference, "e-" + reference)).StatusCode);
    }

    [Fact]
    public async Task DeclineRate_Seeded_DeclinesRoughlyThatShare()
    {
        await _psp.Client.PutAsync("admin/behaviour", Json.Of(new { decline_rate = 0.5, seed = 7 }));
        var declined = 0;
        for (var i = 0; i < 40; i++)
        {
            var reference = NewRef();
            if ((await AuthorizeAsync(reference, "r-" + reference)).StatusCode == HttpStatusCode.PaymentRequired)
            {
                declined++;
            }
        }

        await _psp.HealthyAsync();
        Assert.InRange(declined, 8, 32);
    }

    [Fact]
    public async Task Behaviour_OutOfRange_Is400AndChangesNothing()
    {
        var response = await _psp.Client.PutAsync("admin/behaviour", Json.Of(new { error_rate = 2.0 }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var behaviour = await (await _psp.Client.GetAsync("admin/behaviour")).BodyAsync();
        Assert.Equal(0.0, (double)behaviour["error_rate"]!);
        Assert.Equal(["usr_broke"], behaviour["decline_customers"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public async Task Latency_ClientGivesUp_TheWorkIsDoneAndTheKeyReplaysIt()
    {
        var reference = NewRef();
        await _psp.SetAsync(new { latency_ms = 1000 });
        try
        {
            using var impatient = new HttpClient { BaseAddress = _psp.BaseAddress, Timeout = TimeSpan.FromMilliseconds(200) };
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/authorizations")
            {
                Content = Json.Of(new { amount = "100", currency = "KRW", reference, customer = "usr_1" }),
            };
            request.Headers.Add("Idempotency-Key", "slow-" + reference);
            await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.SendAsync(request));
        }
        finally
        {
            await _psp.HealthyAsync();
        }

        var hold = Assert.Single(await _psp.AuthorizationsAsync(reference));
        var retry = await AuthorizeAsync(reference, "slow-" + reference, amount: "100");
        Assert.Equal((string?)hold!["id"], (string?)(await retry.BodyAsync())["id"]);
        Assert.Single(await _psp.AuthorizationsAsync(reference));
    }
}
