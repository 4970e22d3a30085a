using Agora.Contracts.Payment.V1;
using Agora.Payment.Tests.Infrastructure;
using Grpc.Core;

namespace Agora.Payment.Tests;

/// <summary>
/// Payment's gRPC API is service-only: a user's token (a customer who minted <c>write:payments</c>, or staff) cannot
/// move money, and a repeated authorization cannot change the amount or the customer of the first.
/// </summary>
public sealed class TrustBoundaryTests(EmbeddedPaymentFixture fixture) : IClassFixture<EmbeddedPaymentFixture>
{
    private const string Customer = "usr_refunder";

    private PaymentApp App => fixture.App;

    private PaymentService.PaymentServiceClient Ordering => App.Grpc(App.Identity.ServiceToken("write:payments read:payments", "agora-ordering"));

    private static string NewOrderId() => "ord_" + Guid.NewGuid().ToString("N");

    private static AuthorizeRequest Authorize(string orderId, string amount = "30000", string customer = Customer, string? key = null) => new()
    {
        IdempotencyKey = key ?? "a-" + orderId, OrderId = orderId, CustomerId = customer, Amount = new Money { Amount = amount, Currency = "KRW" },
    };

    public static TheoryData<string> UserTokens =>
    [
        "customer who minted write:payments",
        "staff (admin role and write:payments)",
        "admin role only",
    ];

    private string UserToken(string who) => who switch
    {
        "customer who minted write:payments" => App.Identity.CustomerToken(Customer, "openid read:payments write:payments"),
        "staff (admin role and write:payments)" => App.Identity.StaffToken("write:payments admin:ops"),
        "admin role only" => App.Identity.Token().Subject("usr_admin").Claim("client_id", "agora-partner").Roles("admin").Scope("read:orders").Build(),
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };

    [Theory]
    [MemberData(nameof(UserTokens))]
    public async Task User_token_cannot_Refund_Capture_Authorize_or_Void_over_gRPC_PermissionDenied(string who)
    {
        var orderId = NewOrderId();
        var payment = (await Ordering.AuthorizeAsync(Authorize(orderId))).Payment;
        var captured = (await Ordering.CaptureAsync(new CaptureRequest { IdempotencyKey = "c-" + orderId, PaymentId = payment.Id })).Payment;
        Assert.Equal("captured", captured.Status);

        var attacker = App.Grpc(UserToken(who));
        await AssertDeniedAsync(() => attacker.RefundAsync(new RefundRequest { IdempotencyKey = "r-" + orderId, PaymentId = payment.Id, Reason = "mine" }).ResponseAsync);
        await AssertDeniedAsync(() => attacker.CaptureAsync(new CaptureRequest { IdempotencyKey = "c2-" + orderId, PaymentId = payment.Id }).ResponseAsync);
        await AssertDeniedAsync(() => attacker.VoidAsync(new VoidRequest { IdempotencyKey = "v-" + orderId, PaymentId = payment.Id }).ResponseAsync);
        await AssertDeniedAsync(() => attacker.AuthorizeAsync(Authorize(NewOrderId(), "1")).ResponseAsync);
        await AssertDeniedAsync(() => attacker.GetPaymentAsync(new GetPaymentRequest { PaymentId = payment.Id }).ResponseAsync);

        // Nothing moved: the money is still captured and nothing went back at the provider.
        var now = (await Ordering.GetPaymentAsync(new GetPaymentRequest { PaymentId = payment.Id })).Payment;
        Assert.Equal("captured", now.Status);
        Assert.Equal("0", now.Refunded.Amount);
        Assert.Empty(await fixture.Psp.RefundsAsync(payment.PspReference));
    }

    private static async Task AssertDeniedAsync(Func<Task> call) =>
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(call)).StatusCode);

    [Fact]
    public async Task Authorize_repeat_with_another_amount_or_customer_is_a_conflict_AlreadyExists()
    {
        var orderId = NewOrderId();
        var first = (await Ordering.AuthorizeAsync(Authorize(orderId))).Payment;
        Assert.Equal("30000", first.Amount.Amount);

        // The same idempotency key, another amount or customer: a conflict, not INVALID_ARGUMENT nor a replay.
        foreach (var repeat in new[] { Authorize(orderId, "1"), Authorize(orderId, customer: "usr_other") })
        {
            var sameKey = await Assert.ThrowsAsync<RpcException>(() => Ordering.AuthorizeAsync(repeat).ResponseAsync);
            Assert.Equal(StatusCode.AlreadyExists, sameKey.StatusCode);
        }

        // Another key for the same order, another amount: a conflict as well.
        var newKey = await Assert.ThrowsAsync<RpcException>(() => Ordering.AuthorizeAsync(Authorize(orderId, "1", key: "other-" + orderId)).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, newKey.StatusCode);

        // The payment stands as first asked, and the provider was asked once.
        var now = (await Ordering.GetPaymentAsync(new GetPaymentRequest { OrderId = orderId })).Payment;
        Assert.Equal((first.Id, "30000", Customer), (now.Id, now.Amount.Amount, now.CustomerId));
        Assert.Single(await fixture.Psp.AuthorizationsAsync(orderId));
    }
}
