using System.Net;
using System.Net.Http.Headers;
using Agora.Contracts.Orders;
using Agora.Ordering.Tests.Infrastructure;
using static Agora.Ordering.Tests.Infrastructure.OrderingFixture;

namespace Agora.Ordering.Tests;

/// <summary>
/// Ordering's trust boundaries, in both modes: it never confirms on an amount other than the order's total, it notices
/// a refund it did not ask for, and only staff (role AND <c>admin:ops</c>) see other customers' orders or the
/// operators' endpoints.
/// </summary>
public abstract partial class OrderingBehaviour
{
    [Fact]
    public async Task Authorized_amount_other_than_the_total_does_not_confirm_voids_and_cancels()
    {
        var customer = Orders.NewCustomer();
        Script.AuthorizeOneCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Kettle, 1)]);
        var client = App.CustomerClient(customer);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("cancelled", Orders.Status(order));
        Assert.Contains("payment amount mismatch: authorized 1 KRW, order total 50000 KRW", (string?)order["reason"], StringComparison.Ordinal);
        Assert.Equal(["payment_amount_mismatch"], order["flags"]!.AsArray().Select(f => (string?)f));
        Assert.Equal("voided", (string?)order["payment"]!["status"]);
        Assert.Equal(["payment_amount_mismatch", "compensation_started", "payment_voided", "stock_released", "order_cancelled"],
            (await Orders.EventTypesAsync(client, id)).TakeLast(5));

        // Nothing was shipped or captured for it.
        Assert.Empty(Script.Of<CreateShipment>(id));
        Assert.Empty(Script.Of<CapturePayment>(id));
        Assert.Single(Script.Of<VoidPayment>(id).Select(v => v.Reason).Distinct()); // a late answer makes the saga repeat the same command
        await AssertSagasSettledAsync();
    }

    [Fact]
    public async Task Captured_amount_other_than_the_total_does_not_confirm_refunds_and_cancels()
    {
        var customer = Orders.NewCustomer();
        Script.CaptureShortCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Kettle, 1), (Mug, 1)]);
        var client = App.CustomerClient(customer);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("cancelled", Orders.Status(order));
        Assert.Contains("payment amount mismatch: captured 61999 KRW, order total 62000 KRW", (string?)order["reason"], StringComparison.Ordinal);
        Assert.Equal(["payment_amount_mismatch"], order["flags"]!.AsArray().Select(f => (string?)f));
        Assert.Equal(("cancelled", "refunded"), ((string?)order["shipment"]!["status"], (string?)order["payment"]!["status"]));
        // Exactly what was taken goes back. The saga repeats a command whose answer is late (a 2 s step timeout here, and
        // a loaded machine answers later): every copy asks for the same refund, which Payment makes once per order.
        Assert.Equal([(61999m, "KRW")], Script.Of<RefundPayment>(id).Select(r => (r.Amount, r.Currency)).Distinct());
        Assert.Empty(Script.Of<CommitStockForOrder>(id));
        Assert.DoesNotContain("order_confirmed", await Orders.EventTypesAsync(client, id));
        await AssertSagasSettledAsync();
    }

    [Fact]
    public async Task Unrequested_refund_flags_the_order_and_stops_shipping()
    {
        var (customer, id) = await PlaceAsync([(Mug, 2)]);
        var client = App.CustomerClient(customer);
        var confirmed = await WaitAsync(client, id, o => Orders.Status(o) == "confirmed", "the order confirmed");
        var payment = (string)confirmed["payment"]!["id"]!;

        // Someone refunded the captured money straight at Payment; Payment tells Ordering, which never asked.
        await fixture.Peer.PublishAsync(new PaymentRefunded(Guid.NewGuid(), DateTimeOffset.UtcNow, id, payment, 24000m, "KRW"));

        var order = await WaitAsync(client, id, o => Orders.Status(o) == "cancelled", "the order cancelled");
        Assert.Equal("cancelled", Orders.Status(order));
        Assert.Equal(["payment_refunded_unrequested"], order["flags"]!.AsArray().Select(f => (string?)f));
        Assert.Equal("payment refunded without the order asking", (string?)order["reason"]);
        Assert.Equal(("cancelled", "refunded"), ((string?)order["shipment"]!["status"], (string?)order["payment"]!["status"]));
        Assert.Single(Script.Of<CancelShipment>(id).Select(c => c.Reason).Distinct()); // shipping stopped (a repeat after a late answer is the same command)
        Assert.Empty(Script.Of<RefundPayment>(id)); // the money is back already: no second refund
        Assert.Equal(["payment_refunded_unrequested", "compensation_started", "shipment_cancelled", "stock_released", "order_cancelled"],
            (await Orders.EventTypesAsync(client, id)).TakeLast(5));

        // Sold stock stays sold (the reservation was committed before the refund); an operator restocks if it comes back.
        Assert.Single(Script.Of<ReleaseStockForOrder>(id).Select(r => r.Reason).Distinct());
    }

    [Fact]
    public async Task Unrequested_refund_after_shipping_flags_the_order_for_an_operator()
    {
        var (customer, id) = await PlaceAsync([(Mug, 1)]);
        var client = App.CustomerClient(customer);
        var confirmed = await WaitAsync(client, id, o => Orders.Status(o) == "confirmed", "the order confirmed");
        await fixture.Peer.PublishAsync(new ShipmentDispatched(Guid.NewGuid(), DateTimeOffset.UtcNow, id, (string)confirmed["shipment"]!["id"]!, "cj-logistics", "KR2"));
        await WaitAsync(client, id, o => Orders.Status(o) == "shipped", "the order shipped");

        await fixture.Peer.PublishAsync(new PaymentRefunded(Guid.NewGuid(), DateTimeOffset.UtcNow, id, (string)confirmed["payment"]!["id"]!, 12000m, "KRW"));
        var order = await WaitAsync(client, id, o => o["flags"]!.AsArray().Count > 0, "the order flagged");
        Assert.Equal("shipped", Orders.Status(order)); // a parcel on its way cannot be unsent: an operator follows up
        Assert.Equal(["payment_refunded_unrequested"], order["flags"]!.AsArray().Select(f => (string?)f));
        Assert.Equal("refunded", (string?)order["payment"]!["status"]);
    }

    private HttpClient ClientWith(string token)
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task Partner_token_with_read_orders_and_admin_role_cannot_list_all_orders()
    {
        var (victim, id) = await PlaceAsync([(Mug, 1)]);

        // What agora-partner received for an admin who consented to "read:orders profile": roles ride along.
        var partner = ClientWith(App.Identity.Token().Subject("usr_partner_admin").Claim("client_id", "agora-partner")
            .Roles("admin").Scope("read:orders profile").Build());
        await (await partner.GetAsync($"/api/v1/orders?customer_id={victim}")).AssertErrorAsync(403, "FORBIDDEN");
        var own = await (await partner.GetAsync("/api/v1/orders?per_page=100")).BodyAsync();
        Assert.Empty(own["data"]!.AsArray()); // its own user's orders only: none
        await (await partner.GetAsync($"/api/v1/orders/{id}")).AssertErrorAsync(404, "ORDER_NOT_FOUND");
        await (await partner.GetAsync($"/api/v1/users/{victim}/orders")).AssertErrorAsync(404, "USER_NOT_FOUND");
        var batch = await (await partner.GetAsync($"/api/v1/customer-orders?customer_ids={victim}")).BodyAsync();
        Assert.Empty(batch["data"]!.AsArray());
        await (await partner.GetAsync("/api/v1/admin/sagas")).AssertErrorAsync(403, "FORBIDDEN");

        // Staff — role AND admin:ops — do see it.
        var staff = ClientWith(App.Identity.StaffToken("admin:ops"));
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/api/v1/orders/{id}")).StatusCode);
        var listed = await (await staff.GetAsync($"/api/v1/orders?customer_id={victim}")).BodyAsync();
        Assert.Equal(id, (string?)Assert.Single(listed["data"]!.AsArray())!["id"]);
    }

    [Fact]
    public async Task Customer_cannot_replay_or_read_dead_letters()
    {
        foreach (var token in new[]
                 {
                     App.CustomerToken(Orders.NewCustomer(), "read:orders write:orders admin:ops"),
                     App.Identity.Token().Roles("admin").Scope("read:orders").Build(),
                 })
        {
            var client = ClientWith(token);
            await (await client.PostAsync("/api/v1/admin/dead-letters/replay", Json.Of(new { message_type = "x" }))).AssertErrorAsync(403, "FORBIDDEN");
            await (await client.GetAsync("/api/v1/admin/dead-letters")).AssertErrorAsync(403, "FORBIDDEN");
        }

        Assert.Equal(HttpStatusCode.OK, (await ClientWith(App.Identity.StaffToken("admin:ops")).GetAsync("/api/v1/admin/dead-letters")).StatusCode);
    }
}
