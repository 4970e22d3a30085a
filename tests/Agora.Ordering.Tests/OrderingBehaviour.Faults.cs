using System.Net;
using Agora.Contracts.Orders;
using Agora.Ordering.Tests.Infrastructure;
using static Agora.Ordering.Tests.Infrastructure.OrderingFixture;

namespace Agora.Ordering.Tests;

/// <summary>
/// Issue 17: the acknowledgement a client can always obtain (the order found by its Idempotency-Key), and a capture
/// that lands after the saga turned back is refunded (finding 3).
/// </summary>
public abstract partial class OrderingBehaviour
{
    [Fact]
    public async Task FindByIdempotencyKey_OwnOrderFound_OthersSeeNothing_StaffSeeIt()
    {
        var customer = Orders.NewCustomer();
        var client = App.CustomerClient(customer);
        var key = Orders.NewKey();
        var placed = await Orders.PostAsync(client, Orders.Body([(Kettle, 1)]), key);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var id = (string)(await placed.BodyAsync())["data"]!["id"]!;
        _placed.Add((customer, id));
        var url = "/api/v1/orders?idempotency_key=" + Uri.EscapeDataString(key);

        var mine = (await Orders.DataAsync(client, url)).AsArray();
        Assert.Equal(id, (string?)Assert.Single(mine)!["id"]);
        Assert.Empty((await Orders.DataAsync(App.CustomerClient(Orders.NewCustomer()), url)).AsArray());
        Assert.Equal(id, (string?)Assert.Single((await Orders.DataAsync(App.AdminClient(), url)).AsArray())!["id"]);
        Assert.Empty((await Orders.DataAsync(client, "/api/v1/orders?idempotency_key=" + Orders.NewKey())).AsArray());
        var other = await client.GetAsync($"{url}&customer_id={Orders.NewCustomer()}");
        await other.AssertErrorAsync(403, "FORBIDDEN");
        await AssertSagasSettledAsync();
    }

    [Fact]
    public async Task PaymentCapturedAfterTheOrderWasCancelled_TheMoneyIsRefundedAndTheOrderFlagged()
    {
        var customer = Orders.NewCustomer();
        Script.CaptureFailCustomers[customer] = 0; // the saga turns back at the capture, voiding the hold
        var id = await PlaceAsync(customer, [(Kettle, 1)]);
        var client = App.CustomerClient(customer);
        await WaitAsync(client, id, o => Orders.Status(o) == "cancelled", "the order cancelled");
        Assert.Empty(Script.Of<RefundPayment>(id));

        // Payment's capture lands after all (it was in flight when the saga gave up).
        await fixture.Peer.PublishAsync(new PaymentCaptured(Guid.NewGuid(), DateTimeOffset.UtcNow, id, "pay_" + id[4..], 50000m, "KRW"));

        await Poll.UntilAsync(() => Script.Of<RefundPayment>(id).Count > 0, "the late capture refunded", OrderingApp.Patience);
        var refund = Script.Of<RefundPayment>(id)[0];
        Assert.Equal((50000m, "KRW"), (refund.Amount, refund.Currency));
        var order = await WaitAsync(client, id, o => (string?)o["payment"]!["status"] == "refunded" && Orders.IsSettled(o), "the refund recorded");
        Assert.Equal("cancelled", Orders.Status(order));
        Assert.Contains("payment_captured_late", order["flags"]!.AsArray().Select(f => (string?)f));
        await Poll.UntilAsync(() => Script.Of<OrderCancelled>(id).Count > 0, "OrderCancelled of " + id, OrderingApp.Patience);
        Assert.Single(Script.Of<OrderCancelled>(id)); // announced once, not again after the refund
    }
}
