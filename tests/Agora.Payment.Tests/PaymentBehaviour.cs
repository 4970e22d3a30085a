using System.Net;
using Agora.Contracts.Orders;
using Agora.Hosting;
using Agora.Payment.Infrastructure;
using Agora.Payment.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Agora.Contracts.Payment.V1;
using static Agora.Payment.Tests.Infrastructure.FakeOrdering;

namespace Agora.Payment.Tests;

/// <summary>
/// Payment as the order saga, services and operators see it, run once per store (SQLite and TCP; PostgreSQL and
/// RabbitMQ): commands in over the bus, answers out over the bus, the provider over real HTTP.
/// </summary>
public abstract class PaymentBehaviour(PaymentFixture fixture)
{
    private PaymentApp App => fixture.App;
    private PspSimulatorHost Psp => fixture.Psp;
    private FakeOrdering Ordering => fixture.Ordering;

    private static string NewOrderId() => "ord_" + Guid.NewGuid().ToString("N");

    private static AuthorizePayment Authorize(string orderId, decimal amount = 50_000, string customer = "usr_buyer", string currency = "KRW") =>
        new(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, customer, amount, currency);

    private async Task<PaymentRecord?> StoredAsync(string orderId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentDbContext>().Payments.AsNoTracking()
            .Include(p => p.Operations).FirstOrDefaultAsync(p => p.OrderId == orderId);
    }

    private async Task<PaymentAuthorized> AuthorizedAsync(string orderId, string customer = "usr_buyer")
    {
        await Ordering.SendAsync(Authorize(orderId, customer: customer));
        return await WaitForAsync<PaymentAuthorized>(orderId);
    }

    [Fact]
    public async Task AuthorizeThenCapture_HealthyProvider_AnswersAuthorizedThenCapturedAndStoresBoth()
    {
        var orderId = NewOrderId();
        await Ordering.SendAsync(Authorize(orderId, 12_345m));
        var authorized = await WaitForAsync<PaymentAuthorized>(orderId);
        Assert.StartsWith("pay_", authorized.PaymentId, StringComparison.Ordinal);
        Assert.Equal(12_345m, authorized.Amount);
        Assert.Equal("KRW", authorized.Currency);
        var hold = Assert.Single(await Psp.AuthorizationsAsync(orderId));
        Assert.Equal((string)hold!["id"]!, authorized.PspReference);
        Assert.Equal("12345", (string?)hold["amount"]);

        await Ordering.SendAsync(new CapturePayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId));
        var captured = await WaitForAsync<PaymentCaptured>(orderId);
        Assert.Equal(authorized.PaymentId, captured.PaymentId);
        Assert.Equal(12_345m, captured.Amount);

        var stored = await StoredAsync(orderId);
        Assert.Equal(PaymentStatus.Captured, stored!.Status);
        Assert.Equal(12_345, stored.CapturedMinor);
        Assert.All(stored.Operations, o => Assert.Equal(OperationStatus.Succeeded, o.Status));
        Assert.Equal("captured", (string?)(await Psp.AuthorizationsAsync(orderId))[0]!["status"]);
        Assert.DoesNotContain(AnswersFor(orderId), a => a is PaymentPending);
    }

    [Fact]
    public async Task Authorize_SameCommandTwice_OneProviderAuthorizationAndTheSameAnswerAgain()
    {
        var orderId = NewOrderId();
        var first = await AuthorizedAsync(orderId);

        // Redelivered (or retried by the saga with a new command id): answered again, the provider not asked again.
        await Ordering.SendAsync(Authorize(orderId));
        var second = await WaitForAsync<PaymentAuthorized>(orderId, count: 2);
        Assert.Equal(first.PaymentId, second.PaymentId);
        Assert.Equal(first.PspReference, second.PspReference);
        Assert.Single(await Psp.AuthorizationsAsync(orderId));
    }

    [Fact]
    public async Task Authorize_ConcurrentDuplicates_OnePaymentOneAuthorization()
    {
        var orderId = NewOrderId();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Ordering.SendAsync(Authorize(orderId))));
        await WaitForAsync<PaymentAuthorized>(orderId);
        await Task.Delay(1500);
        Assert.Single(await Psp.AuthorizationsAsync(orderId));
        Assert.Single(AnswersFor(orderId).OfType<PaymentAuthorized>().Select(a => a.PaymentId).Distinct());
        await using var scope = App.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<PaymentDbContext>().Payments.CountAsync(p => p.OrderId == orderId));
    }

    [Fact]
    public async Task Authorize_DeclinedCard_AnswersDeclinedAndNothingIsHeld()
    {
        var orderId = NewOrderId();
        await Ordering.SendAsync(Authorize(orderId, customer: PaymentFixture.DeclinedCustomer));
        var declined = await WaitForAsync<PaymentDeclined>(orderId);
        Assert.Equal("card_declined", declined.Reason);
        Assert.Empty(await Psp.AuthorizationsAsync(orderId));
        var stored = await StoredAsync(orderId);
        Assert.Equal(PaymentStatus.Declined, stored!.Status);

        // Final: asking again answers the decline again, without a second try at the provider.
        var requests = await Psp.RequestsAsync();
        await Ordering.SendAsync(Authorize(orderId, customer: PaymentFixture.DeclinedCustomer));
        await WaitForAsync<PaymentDeclined>(orderId, count: 2);
        Assert.Equal(requests, await Psp.RequestsAsync());
        Assert.DoesNotContain(AnswersFor(orderId), a => a is PaymentAuthorized or PaymentPending);
    }

    [Fact]
    public async Task Void_AuthorizedPayment_ReleasesTheHoldAtTheProvider()
    {
        var orderId = NewOrderId();
        var authorized = await AuthorizedAsync(orderId);
        await Ordering.SendAsync(new VoidPayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, "stock ran out"));
        var voided = await WaitForAsync<PaymentVoided>(orderId);
        Assert.Equal(authorized.PaymentId, voided.PaymentId);
        Assert.Equal("voided", (string?)(await Psp.AuthorizationsAsync(orderId))[0]!["status"]);
        Assert.Equal(PaymentStatus.Voided, (await StoredAsync(orderId))!.Status);

        // A capture after the void is refused: nothing is held any more.
        await Ordering.SendAsync(new CapturePayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId));
        await WaitForAsync<PaymentCaptureFailed>(orderId);
    }

    [Fact]
    public async Task Void_OrderWithoutPayment_AnswersVoidedWithEmptyIdAndALateAuthorizeHoldsNothing()
    {
        var orderId = NewOrderId();
        await Ordering.SendAsync(new VoidPayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, "saga timed out"));
        var voided = await WaitForAsync<PaymentVoided>(orderId);
        Assert.Equal("", voided.PaymentId);

        // The saga's own authorize, overtaken by its compensation, arrives late: refused, never sent to the provider.
        await Ordering.SendAsync(Authorize(orderId));
        var again = await WaitForAsync<PaymentVoided>(orderId, count: 2);
        Assert.Equal("", again.PaymentId);
        Assert.Empty(await Psp.AuthorizationsAsync(orderId));
        Assert.DoesNotContain(AnswersFor(orderId), a => a is PaymentAuthorized);
    }

    [Fact]
    public async Task Refund_CapturedPayment_GivesTheMoneyBackOnceEvenIfAskedTwice()
    {
        var orderId = NewOrderId();
        var authorized = await AuthorizedAsync(orderId);
        await Ordering.SendAsync(new CapturePayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId));
        await WaitForAsync<PaymentCaptured>(orderId);

        await Ordering.SendAsync(new RefundPayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, 50_000m, "KRW", "customer cancelled"));
        var refunded = await WaitForAsync<PaymentRefunded>(orderId);
        Assert.Equal(authorized.PaymentId, refunded.PaymentId);
        Assert.Equal(50_000m, refunded.Amount);
        await Ordering.SendAsync(new RefundPayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, 50_000m, "KRW", "customer cancelled"));
        await WaitForAsync<PaymentRefunded>(orderId, count: 2);

        var refunds = await Psp.RefundsAsync(authorized.PspReference);
        Assert.Equal("50000", (string?)Assert.Single(refunds)!["amount"]);
        var stored = await StoredAsync(orderId);
        Assert.Equal(PaymentStatus.Refunded, stored!.Status);
        Assert.Equal(50_000, stored.RefundedMinor);
    }

    [Fact]
    public async Task Capture_AuthorizationLapsed_AnswersCaptureFailed()
    {
        var orderId = NewOrderId();
        var authorized = await AuthorizedAsync(orderId);
        (await Psp.Client.PostAsync($"admin/authorizations/{authorized.PspReference}/expire", null)).EnsureSuccessStatusCode();
        await Ordering.SendAsync(new CapturePayment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId));
        var failed = await WaitForAsync<PaymentCaptureFailed>(orderId);
        Assert.Equal("authorization_expired", failed.Reason);
        Assert.Equal(PaymentStatus.CaptureFailed, (await StoredAsync(orderId))!.Status);
    }

    [Fact]
    public async Task Grpc_AuthorizeWithClientToken_AuthorizesAndGetPaymentReadsIt()
    {
        var orderId = NewOrderId();
        var grpc = App.Grpc(App.Identity.ClientToken("write:payments"));
        var request = new AuthorizeRequest
        {
            IdempotencyKey = "key-" + orderId, OrderId = orderId, CustomerId = "usr_grpc", Amount = new Money { Amount = "19.99", Currency = "USD" },
        };
        var payment = (await grpc.AuthorizeAsync(request)).Payment;
        Assert.Equal("authorized", payment.Status);
        Assert.Equal("19.99", payment.Amount.Amount);
        Assert.StartsWith("auth_", payment.PspReference, StringComparison.Ordinal);

        // The same key and request again: the same payment, no second authorization.
        var again = (await grpc.AuthorizeAsync(request)).Payment;
        Assert.Equal(payment.Id, again.Id);
        Assert.Single(await Psp.AuthorizationsAsync(orderId));

        // The same key with another request is a conflict.
        var reused = await Assert.ThrowsAsync<RpcException>(() => grpc.AuthorizeAsync(new AuthorizeRequest(request) { CustomerId = "usr_other" }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, reused.StatusCode);

        var read = App.Grpc(App.Identity.ClientToken("read:payments"));
        var got = (await read.GetPaymentAsync(new GetPaymentRequest { PaymentId = payment.Id })).Payment;
        Assert.Equal(orderId, got.OrderId);
        Assert.Equal(payment.Id, (await read.GetPaymentAsync(new GetPaymentRequest { OrderId = orderId })).Payment.Id);
        var missing = await Assert.ThrowsAsync<RpcException>(() => read.GetPaymentAsync(new GetPaymentRequest { PaymentId = "pay_missing" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        // An authorization through gRPC is a state change the saga hears about too.
        Assert.Equal(payment.Id, (await WaitForAsync<PaymentAuthorized>(orderId)).PaymentId);
    }

    [Fact]
    public async Task Grpc_WithoutTokenOrWithReadOnlyToken_IsRefused()
    {
        var request = new AuthorizeRequest
        {
            IdempotencyKey = "k1", OrderId = NewOrderId(), CustomerId = "usr_x", Amount = new Money { Amount = "1000", Currency = "KRW" },
        };
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => App.Grpc(null).AuthorizeAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        var anonymousRead = await Assert.ThrowsAsync<RpcException>(() => App.Grpc(null).GetPaymentAsync(new GetPaymentRequest { OrderId = request.OrderId }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymousRead.StatusCode);
        var readOnly = await Assert.ThrowsAsync<RpcException>(() => App.Grpc(App.Identity.ClientToken("read:payments")).AuthorizeAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, readOnly.StatusCode);
        Assert.Empty(await Psp.AuthorizationsAsync(request.OrderId));
    }

    [Fact]
    public async Task Grpc_CaptureThenRefundPart_UpdatesThePaymentAndTheProvider()
    {
        var orderId = NewOrderId();
        var grpc = App.Grpc(App.Identity.ServiceToken("write:payments", "agora-ordering"));
        var payment = (await grpc.AuthorizeAsync(new AuthorizeRequest
        {
            IdempotencyKey = "a-" + orderId, OrderId = orderId, CustomerId = "usr_g", Amount = new Money { Amount = "30000", Currency = "KRW" },
        })).Payment;
        var refundTooEarly = await Assert.ThrowsAsync<RpcException>(() =>
            grpc.RefundAsync(new RefundRequest { IdempotencyKey = "r0-" + orderId, PaymentId = payment.Id }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, refundTooEarly.StatusCode);

        var captured = (await grpc.CaptureAsync(new CaptureRequest { IdempotencyKey = "c-" + orderId, PaymentId = payment.Id })).Payment;
        Assert.Equal("captured", captured.Status);
        Assert.Equal("30000", captured.Captured.Amount);
        var refunded = (await grpc.RefundAsync(new RefundRequest
        {
            IdempotencyKey = "r-" + orderId, PaymentId = payment.Id, Amount = new Money { Amount = "10000", Currency = "KRW" }, Reason = "one item returned",
        })).Payment;
        Assert.Equal("refunded", refunded.Status);
        Assert.Equal("10000", refunded.Refunded.Amount);
        Assert.Equal("10000", (string?)Assert.Single(await Psp.RefundsAsync(payment.PspReference))!["amount"]);
        var voidCaptured = await Assert.ThrowsAsync<RpcException>(() =>
            grpc.VoidAsync(new VoidRequest { IdempotencyKey = "v-" + orderId, PaymentId = payment.Id }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, voidCaptured.StatusCode);
    }

    [Fact]
    public async Task Rest_GetPayment_OwnerSeesItAnotherCustomerGets404AdminReadsAndListsIt()
    {
        var orderId = NewOrderId();
        var authorized = await AuthorizedAsync(orderId, customer: "usr_owner");
        var owner = App.ClientWith(App.Identity.Token().Subject("usr_owner").Scope("read:payments").Build());
        var response = await owner.GetAsync($"/api/v1/payments/{authorized.PaymentId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.BodyAsync())["data"]!;
        Assert.Equal(orderId, (string?)data["order_id"]);
        Assert.Equal("authorized", (string?)data["status"]);
        Assert.Equal("50000", (string?)data["amount"]!["amount"]);
        Assert.Equal("authorize", (string?)data["operations"]![0]!["kind"]);

        var stranger = App.ClientWith(App.Identity.Token().Subject("usr_stranger").Scope("read:payments").Build());
        await (await stranger.GetAsync($"/api/v1/payments/{authorized.PaymentId}")).AssertErrorAsync(404, "PAYMENT_NOT_FOUND");
        await (await owner.GetAsync("/api/v1/payments/pay_nope")).AssertErrorAsync(404, "PAYMENT_NOT_FOUND");
        await (await App.CreateClient().GetAsync($"/api/v1/payments/{authorized.PaymentId}")).AssertErrorAsync(401, "UNAUTHORIZED");

        var admin = App.ClientWith(App.Identity.AdminToken());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/payments/{authorized.PaymentId}")).StatusCode);
        var list = await (await admin.GetAsync($"/api/v1/payments?order_id={orderId}&status=authorized")).BodyAsync();
        Assert.Equal(authorized.PaymentId, (string?)Assert.Single(list["data"]!.AsArray())!["id"]);
        Assert.Equal(1, (long)list["pagination"]!["total"]!);
        var none = await (await admin.GetAsync($"/api/v1/payments?order_id={orderId}&status=captured")).BodyAsync();
        Assert.Empty(none["data"]!.AsArray());
        await (await admin.GetAsync("/api/v1/payments?status=paid")).AssertErrorAsync(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Rest_List_Customer_SeesOnlyTheirOwnPaymentsWhateverTheFiltersName()
    {
        var owner = "usr_lister" + Guid.NewGuid().ToString("N")[..8];
        var other = "usr_other" + Guid.NewGuid().ToString("N")[..8];
        var mine = new[] { await AuthorizedAsync(NewOrderId(), owner), await AuthorizedAsync(NewOrderId(), owner) };
        var othersOrder = NewOrderId();
        var others = await AuthorizedAsync(othersOrder, other);

        var client = App.ClientWith(App.Identity.Token().Subject(owner).Scope("read:payments").Build());
        var list = await (await client.GetAsync("/api/v1/payments?per_page=100")).BodyAsync();
        var ids = list["data"]!.AsArray().Select(p => (string)p!["id"]!).ToList();
        Assert.Equal(mine.Select(p => p.PaymentId).Reverse(), ids); // newest first, and nobody else's
        Assert.Equal(2, (long)list["pagination"]!["total"]!);
        Assert.All(list["data"]!.AsArray(), p => Assert.Equal(owner, (string?)p!["customer_id"]));

        // Naming another customer's order finds nothing rather than their payment.
        var byOrder = await (await client.GetAsync($"/api/v1/payments?order_id={othersOrder}")).BodyAsync();
        Assert.Empty(byOrder["data"]!.AsArray());
        Assert.Equal(0, (long)byOrder["pagination"]!["total"]!);
        var byStatus = await (await client.GetAsync("/api/v1/payments?status=authorized&per_page=100")).BodyAsync();
        Assert.DoesNotContain(others.PaymentId, byStatus["data"]!.AsArray().Select(p => (string?)p!["id"]));
        Assert.Equal(2, byStatus["data"]!.AsArray().Count);

        // Staff see everyone's; a token without a payments scope or role is refused; none at all is 401.
        var admin = App.ClientWith(App.Identity.AdminToken());
        var all = await (await admin.GetAsync($"/api/v1/payments?order_id={othersOrder}")).BodyAsync();
        Assert.Equal(others.PaymentId, (string?)Assert.Single(all["data"]!.AsArray())!["id"]);
        var unscoped = App.ClientWith(App.Identity.Token().Subject(owner).Scope("read:orders").Build());
        await (await unscoped.GetAsync("/api/v1/payments")).AssertErrorAsync(403, "FORBIDDEN");
        await (await App.CreateClient().GetAsync("/api/v1/payments")).AssertErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Rest_List_FollowingCursors_VisitsEveryPaymentOnceNewestFirst()
    {
        for (var i = 0; i < 3; i++)
        {
            await AuthorizedAsync(NewOrderId());
        }

        var admin = App.ClientWith(App.Identity.AdminToken());
        var seen = new List<string>();
        var created = new List<DateTime>();
        string? cursor = null;
        long total;
        do
        {
            var body = await (await admin.GetAsync("/api/v1/payments?per_page=2" + (cursor is null ? "" : "&cursor=" + cursor))).BodyAsync();
            total = (long)body["pagination"]!["total"]!;
            foreach (var p in body["data"]!.AsArray())
            {
                seen.Add((string)p!["id"]!);
                created.Add((DateTime)p["created_at"]!);
            }

            cursor = (string?)body["pagination"]!["next_cursor"];
        }
        while (cursor is not null);

        Assert.True(total >= 3);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.True(seen.Count >= total);
        Assert.Equal(created.OrderDescending(), created);
    }
}

public sealed class EmbeddedPaymentFixture() : PaymentFixture(AgoraMode.Embedded);

public sealed class DistributedPaymentFixture() : PaymentFixture(AgoraMode.Distributed);

public sealed class EmbeddedPaymentTests(EmbeddedPaymentFixture fixture) : PaymentBehaviour(fixture), IClassFixture<EmbeddedPaymentFixture>;

public sealed class DistributedPaymentTests(DistributedPaymentFixture fixture) : PaymentBehaviour(fixture), IClassFixture<DistributedPaymentFixture>;
