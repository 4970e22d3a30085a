using System.Net;
using Agora.Contracts.Orders;
using Agora.Ordering.Tests.Infrastructure;
using static Agora.Ordering.Tests.Infrastructure.OrderingFixture;

namespace Agora.Ordering.Tests;

/// <summary>The saga against scripted peers: the happy path, every failure, timeout and compensation, tracking, cancelling.</summary>
public abstract partial class OrderingBehaviour
{
    [Fact]
    public async Task PlaceOrder_AllPeersAgree_CreatedThenConfirmedWithFullHistory()
    {
        var customer = Orders.NewCustomer();
        var client = App.CustomerClient(customer);
        var response = await Orders.PostAsync(client, Orders.Body([(Kettle, 2), (Mug, 1)]), Orders.NewKey());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.BodyAsync())["data"]!;
        var id = (string)created["id"]!;
        _placed.Add((customer, id));
        Assert.StartsWith("ord_", id, StringComparison.Ordinal);
        Assert.Equal($"/api/v1/orders/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("pending", Orders.Status(created));
        Assert.Equal(customer, (string?)created["customer_id"]);
        Assert.Equal("112000", (string?)created["total"]!["amount"]);
        Assert.Equal("KRW", (string?)created["total"]!["currency"]);
        Assert.Equal("50000", (string?)created["items"]![0]!["unit_price"]!["amount"]);
        Assert.Equal("100000", (string?)created["items"]![0]!["subtotal"]!["amount"]);
        var links = created["links"]!;
        Assert.Equal($"/api/v1/orders/{id}", (string?)links["self"]);
        Assert.Equal($"/api/v1/orders/{id}/events", (string?)links["events"]);
        Assert.Equal($"/api/v1/orders/{id}/cancel", (string?)links["cancel"]);
        Assert.Equal($"/api/v1/users/{customer}/orders", (string?)links["customer_orders"]);

        var order = await WaitAsync(client, id, o => Orders.Status(o) == "confirmed", "the order confirmed");
        Assert.Equal("completed", Orders.Saga(order));
        Assert.False((bool)order["saga"]!["compensating"]!);
        Assert.Equal("captured", (string?)order["payment"]!["status"]);
        Assert.StartsWith("pay_", (string?)order["payment"]!["id"], StringComparison.Ordinal);
        Assert.Equal("created", (string?)order["shipment"]!["status"]);
        Assert.StartsWith("KR", (string?)order["shipment"]!["tracking_number"], StringComparison.Ordinal);
        Assert.Null(order["links"]!["cancel"]);
        Assert.Equal(["pending", "payment_pending", "paid", "confirmed"], order["history"]!.AsArray().Select(h => (string)h!["status"]!));
        Assert.Equal(HappyHistory, await Orders.EventTypesAsync(client, id));

        // What the peers were asked for: the order's lines and total, its address; each step once.
        await AssertEveryStepOnceAsync(client, id);
        var reserve = Script.Of<ReserveStockForOrder>(id)[0];
        Assert.Equal([(Kettle, 2), (Mug, 1)], reserve.Lines.Select(l => (l.ProductId, l.Quantity)).OrderByDescending(l => l.Quantity));
        var authorize = Script.Of<AuthorizePayment>(id)[0];
        Assert.Equal((112000m, "KRW", customer), (authorize.Amount, authorize.Currency, authorize.CustomerId));
        Assert.Equal("06236", Script.Of<CreateShipment>(id)[0].Address.PostalCode);

        // The rest of the shop heard about it.
        var placed = await Poll.UntilFoundAsync(() => Script.FirstOf<OrderPlaced>(id), "OrderPlaced at the subscriber", OrderingApp.Patience);
        Assert.Equal((112000m, customer + "@example.test"), (placed.Total, placed.Customer.Email));
        await Poll.UntilFoundAsync(() => Script.FirstOf<OrderConfirmed>(id), "OrderConfirmed at the subscriber", OrderingApp.Patience);
        await AssertSagasSettledAsync();
    }

    [Fact]
    public async Task PlaceOrder_OutOfStock_CancelledWithReasonAndNoPaymentAsked()
    {
        var product = "prd_scarce_" + Guid.NewGuid().ToString("N")[..8];
        fixture.Catalog.Add(product, "9900");
        Script.OutOfStock[product] = 0;
        var (customer, id) = await PlaceAsync([(Kettle, 1), (product, 3)]);
        var client = App.CustomerClient(customer);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("cancelled", Orders.Status(order));
        Assert.Contains("insufficient stock", (string?)order["reason"], StringComparison.Ordinal);
        Assert.Contains(product, (string?)order["reason"], StringComparison.Ordinal);
        Assert.Null(order["links"]!["cancel"]);
        Assert.Equal(["order_placed", "stock_rejected", "order_cancelled"], await Orders.EventTypesAsync(client, id));
        var cancelled = await Poll.UntilFoundAsync(() => Script.FirstOf<OrderCancelled>(id), "OrderCancelled at the subscriber", OrderingApp.Patience);
        Assert.Contains(product, cancelled.Reason, StringComparison.Ordinal);
        await AssertSagasSettledAsync();
        Assert.Empty(Script.Of<AuthorizePayment>(id));
        Assert.Empty(Script.Of<CreateShipment>(id));
    }

    [Fact]
    public async Task PlaceOrder_PaymentDeclined_StockReleasedAndCancelledAndPaymentFailurePublished()
    {
        var customer = Orders.NewCustomer();
        Script.DeclineCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Mug, 2)]);
        var client = App.CustomerClient(customer);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("cancelled", Orders.Status(order));
        Assert.Equal("declined", (string?)order["payment"]!["status"]);
        Assert.Contains("payment declined", (string?)order["reason"], StringComparison.Ordinal);
        await AssertSentOncePerAttemptAsync(client, id, "release_stock");
        var failed = await Poll.UntilFoundAsync(() => Script.FirstOf<OrderPaymentFailed>(id), "OrderPaymentFailed at the subscriber", OrderingApp.Patience);
        Assert.Equal(("card declined", 24000m), (failed.Reason, failed.Total));
        await AssertSagasSettledAsync();
        Assert.Empty(Script.Of<CreateShipment>(id));
        Assert.Empty(Script.Of<CapturePayment>(id));
    }

    [Fact]
    public async Task PlaceOrder_ShipmentFails_PaymentVoidedStockReleasedCancelled()
    {
        var (customer, id) = await PlaceAsync([(Kettle, 1)], postalCode: PeerScript.UnservedPostalCode);
        var client = App.CustomerClient(customer);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("cancelled", Orders.Status(order));
        Assert.Contains("shipment failed", (string?)order["reason"], StringComparison.Ordinal);
        Assert.Equal("voided", (string?)order["payment"]!["status"]);
        Assert.Equal("failed", (string?)order["shipment"]!["status"]);
        await AssertSentOncePerAttemptAsync(client, id, "return_payment");
        await AssertSentOncePerAttemptAsync(client, id, "release_stock");
        var events = await Orders.EventTypesAsync(client, id);
        Assert.Equal(["order_placed", "stock_reserved", "payment_authorized", "shipment_failed", "compensation_started",
            "payment_voided", "stock_released", "order_cancelled"], events);
        await AssertSagasSettledAsync();
        Assert.Empty(Script.Of<CapturePayment>(id));
        Assert.Empty(Script.Of<CancelShipment>(id));
    }

    [Fact]
    public async Task PlaceOrder_PaymentSilent_WaitsPaymentPendingRetriesThenConfirmsWhenPaymentAnswers()
    {
        var customer = Orders.NewCustomer();
        Script.SilentPaymentCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Kettle, 1)]);
        var client = App.CustomerClient(customer);

        var waiting = await WaitAsync(client, id, o => Orders.Saga(o) == "authorize_payment", "the saga waiting for payment");
        Assert.Equal("payment_pending", Orders.Status(waiting));
        await Poll.UntilAsync(() => Script.Of<AuthorizePayment>(id).Count >= 2, "AuthorizePayment sent again after the step timeout", OrderingApp.Patience);
        var retried = await WaitAsync(client, id, o => (int)o["saga"]!["attempt"]! >= 2, "the retry on the order");
        Assert.Equal("payment_pending", Orders.Status(retried));
        Assert.Contains("step_retried", await Orders.EventTypesAsync(client, id, withRetries: true));

        Script.SilentPaymentCustomers.TryRemove(customer, out _); // Payment is back
        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled once Payment answers");
        Assert.Equal("confirmed", Orders.Status(order));
        await AssertSagasSettledAsync();
    }

    [Fact]
    public async Task PlaceOrder_PspDown_PaymentPendingKeptThenConfirmedWhenPspBack()
    {
        var customer = Orders.NewCustomer();
        Script.PendingPaymentCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Mug, 1)]);
        var client = App.CustomerClient(customer);

        var pending = await WaitAsync(client, id, o => (string?)o["payment"]!["status"] == "pending", "the payment pending");
        Assert.Equal("payment_pending", Orders.Status(pending));
        Assert.StartsWith("pay_", (string?)pending["payment"]!["id"], StringComparison.Ordinal);
        await Poll.UntilAsync(() => Script.Of<AuthorizePayment>(id).Count >= 2, "AuthorizePayment sent again while pending", OrderingApp.Patience);
        Assert.Single(await Orders.EventTypesAsync(client, id), t => t == "payment_pending"); // repeated pending answers change nothing

        Script.PendingPaymentCustomers.TryRemove(customer, out _);
        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled once the PSP is back");
        Assert.Equal("confirmed", Orders.Status(order));
        await AssertSagasSettledAsync();
    }

    [Fact]
    public async Task PlaceOrder_PaymentSilentPastDeadline_VoidedReleasedCancelledAsTimedOut()
    {
        var customer = Orders.NewCustomer();
        Script.SilentPaymentCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Mug, 1)]);
        var client = App.CustomerClient(customer);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order given up after the payment deadline",
            OrderingApp.PaymentDeadline + TimeSpan.FromSeconds(45));
        Assert.Equal("cancelled", Orders.Status(order));
        var attempts = (int)Math.Ceiling(OrderingApp.PaymentDeadline / OrderingApp.StepTimeout);
        Assert.Equal($"authorize_payment timed out after {attempts} attempts", (string?)order["reason"]);
        Assert.Equal(attempts, Script.Of<AuthorizePayment>(id).Count);
        await AssertSentOncePerAttemptAsync(client, id, "return_payment");
        await AssertSentOncePerAttemptAsync(client, id, "release_stock");
        await AssertSagasSettledAsync();
    }

    [Fact]
    public async Task PlaceOrder_ShippingSilentPastMaxAttempts_CompensatedAndCancelledAsTimedOut()
    {
        var customer = Orders.NewCustomer();
        Script.SilentShippingCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Kettle, 1)]);
        var client = App.CustomerClient(customer);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("cancelled", Orders.Status(order));
        Assert.Contains("timed out", (string?)order["reason"], StringComparison.Ordinal);
        Assert.Equal($"create_shipment timed out after {OrderingApp.MaxAttempts} attempts", (string?)order["reason"]);
        Assert.Equal(OrderingApp.MaxAttempts, Script.Of<CreateShipment>(id).Count);
        // Undone in reverse: the shipment that may have been booked, the payment, the stock.
        await AssertSentOncePerAttemptAsync(client, id, "cancel_shipment");
        await AssertSentOncePerAttemptAsync(client, id, "return_payment");
        await AssertSentOncePerAttemptAsync(client, id, "release_stock");
        var events = await Orders.EventTypesAsync(client, id);
        Assert.Equal(["compensation_started", "shipment_cancelled", "payment_voided", "stock_released", "order_cancelled"], events.TakeLast(5));
        await AssertSagasSettledAsync();
        Assert.Empty(Script.Of<CapturePayment>(id));
    }

    [Fact]
    public async Task PlaceOrder_CatalogSilentOnReserve_ReleasedAndCancelledAsTimedOut()
    {
        var product = "prd_silent_" + Guid.NewGuid().ToString("N")[..8];
        fixture.Catalog.Add(product, "3000");
        Script.SilentStockProducts[product] = 0;
        var (customer, id) = await PlaceAsync([(product, 1)]);
        var client = App.CustomerClient(customer);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("cancelled", Orders.Status(order));
        Assert.Equal($"reserve_stock timed out after {OrderingApp.MaxAttempts} attempts", (string?)order["reason"]);
        Assert.Equal(OrderingApp.MaxAttempts, Script.Of<ReserveStockForOrder>(id).Count);
        // A reservation that happened after all (its answer lost) must not hold the stock: it is released.
        await AssertSentOncePerAttemptAsync(client, id, "release_stock");
        await AssertSagasSettledAsync();
        Assert.Empty(Script.Of<AuthorizePayment>(id));
    }

    [Fact]
    public async Task PlaceOrder_CaptureRefused_ShipmentCancelledPaymentVoidedStockReleased()
    {
        var customer = Orders.NewCustomer();
        Script.CaptureFailCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Kettle, 1)]);
        var client = App.CustomerClient(customer);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("cancelled", Orders.Status(order));
        Assert.Equal("capture failed: authorization expired", (string?)order["reason"]);
        Assert.Equal(("cancelled", "voided"), ((string?)order["shipment"]!["status"], (string?)order["payment"]!["status"]));
        Assert.Equal(["payment_capture_failed", "compensation_started", "shipment_cancelled", "payment_voided", "stock_released", "order_cancelled"],
            (await Orders.EventTypesAsync(client, id)).TakeLast(6));
        await AssertSentOncePerAttemptAsync(client, id, "cancel_shipment");
        await AssertSentOncePerAttemptAsync(client, id, "return_payment");
        await AssertSentOncePerAttemptAsync(client, id, "release_stock");
        await AssertSagasSettledAsync();
        Assert.Empty(Script.Of<RefundPayment>(id));
        Assert.Empty(Script.Of<CommitStockForOrder>(id));
    }

    [Fact]
    public async Task PlaceOrder_StockCommitSilentAfterCapture_RefundedShipmentCancelledStockReleased()
    {
        var customer = Orders.NewCustomer();
        Script.SilentCommitCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Kettle, 1), (Mug, 1)]);
        var client = App.CustomerClient(customer);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("cancelled", Orders.Status(order));
        Assert.Equal($"commit_stock timed out after {OrderingApp.MaxAttempts} attempts", (string?)order["reason"]);
        Assert.Equal("refunded", (string?)order["payment"]!["status"]);
        Assert.Equal(OrderingApp.MaxAttempts, Script.Of<CommitStockForOrder>(id).Count);
        await AssertSentOncePerAttemptAsync(client, id, "return_payment");
        var refund = Script.Of<RefundPayment>(id)[0];
        Assert.Equal((62000m, "KRW"), (refund.Amount, refund.Currency)); // the money that was taken, all of it
        await AssertSentOncePerAttemptAsync(client, id, "cancel_shipment");
        await AssertSentOncePerAttemptAsync(client, id, "release_stock");
        Assert.Equal(["compensation_started", "shipment_cancelled", "refund_issued", "stock_released", "order_cancelled"],
            (await Orders.EventTypesAsync(client, id)).TakeLast(5));
        await AssertSagasSettledAsync();
        Assert.Empty(Script.Of<VoidPayment>(id));
    }

    [Fact]
    public async Task Tracking_DispatchedInTransitDelivered_OrderShippedThenDeliveredAndAnnounced()
    {
        var (customer, id) = await PlaceAsync([(Mug, 1)]);
        var client = App.CustomerClient(customer);
        var confirmed = await WaitAsync(client, id, o => Orders.Status(o) == "confirmed", "the order confirmed");
        var shipment = (string)confirmed["shipment"]!["id"]!;
        var tracking = (string)confirmed["shipment"]!["tracking_number"]!;
        var now = DateTimeOffset.UtcNow;

        await fixture.Peer.PublishAsync(new ShipmentDispatched(Guid.NewGuid(), now, id, shipment, "cj-logistics", tracking));
        var shipped = await WaitAsync(client, id, o => Orders.Status(o) == "shipped", "the order shipped");
        Assert.Equal("dispatched", (string?)shipped["shipment"]!["status"]);
        var announced = await Poll.UntilFoundAsync(() => Script.FirstOf<OrderShipped>(id), "OrderShipped at the subscriber", OrderingApp.Patience);
        Assert.Equal(("cj-logistics", tracking), (announced.Carrier, announced.TrackingNumber));

        await fixture.Peer.PublishAsync(new ShipmentInTransit(Guid.NewGuid(), now, id, shipment, "Daejeon hub"));
        await WaitAsync(client, id, o => (string?)o["shipment"]!["status"] == "in_transit", "the parcel in transit");
        await fixture.Peer.PublishAsync(new ShipmentDelivered(Guid.NewGuid(), now, id, shipment));
        var delivered = await WaitAsync(client, id, o => Orders.Status(o) == "delivered", "the order delivered");
        Assert.Equal(["pending", "payment_pending", "paid", "confirmed", "shipped", "delivered"],
            delivered["history"]!.AsArray().Select(h => (string)h!["status"]!));
        await Poll.UntilFoundAsync(() => Script.FirstOf<OrderDelivered>(id), "OrderDelivered at the subscriber", OrderingApp.Patience);

        // A repeated delivery notice changes nothing.
        await fixture.Peer.PublishAsync(new ShipmentDelivered(Guid.NewGuid(), now, id, shipment));
        await Poll.StaysAsync(async () => ((int)(await Orders.DataAsync(client, $"/api/v1/orders/{id}"))["version"]!, Script.Of<OrderDelivered>(id).Count),
            seen => seen == ((int)delivered["version"]!, 1), "the order unchanged and announced delivered once", OrderingBehaviour.NothingMoreWindow);
        await AssertSagasSettledAsync();
    }

    [Fact]
    public async Task Cancel_WhilePaymentPending_AcceptedThenVoidedReleasedCancelled()
    {
        var customer = Orders.NewCustomer();
        Script.SilentPaymentCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Kettle, 1)]);
        var client = App.CustomerClient(customer);
        await WaitAsync(client, id, o => Orders.Saga(o) == "authorize_payment", "the saga waiting for payment");

        var response = await client.PostAsync($"/api/v1/orders/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/v1/orders/{id}", response.Headers.Location?.OriginalString);
        var accepted = (await response.BodyAsync())["data"]!;
        Assert.Equal("cancelling", Orders.Status(accepted));
        Assert.True((bool)accepted["saga"]!["compensating"]!);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("cancelled", Orders.Status(order));
        Assert.Equal("cancelled by customer", (string?)order["reason"]);
        await AssertSentOncePerAttemptAsync(client, id, "return_payment");
        await AssertSentOncePerAttemptAsync(client, id, "release_stock");
        var cancelled = await Poll.UntilFoundAsync(() => Script.FirstOf<OrderCancelled>(id), "OrderCancelled at the subscriber", OrderingApp.Patience);
        Assert.Equal("cancelled by customer", cancelled.Reason);

        var again = await client.PostAsync($"/api/v1/orders/{id}/cancel", null); // cancelling twice is cancelling once
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await AssertSagasSettledAsync();
        Assert.Empty(Script.Of<CreateShipment>(id));
        await AssertSentOncePerAttemptAsync(client, id, "return_payment");
    }

    [Fact]
    public async Task Cancel_ConfirmedOrder_Conflict()
    {
        var (customer, id) = await PlaceAsync([(Mug, 1)]);
        var client = App.CustomerClient(customer);
        await WaitAsync(client, id, o => Orders.Status(o) == "confirmed", "the order confirmed");

        var response = await client.PostAsync($"/api/v1/orders/{id}/cancel", null);
        await response.AssertErrorAsync(409, "ORDER_NOT_CANCELLABLE");
        var order = await Orders.DataAsync(client, $"/api/v1/orders/{id}");
        Assert.Equal("confirmed", Orders.Status(order));
        await AssertSagasSettledAsync();
        Assert.Empty(Script.Of<VoidPayment>(id));
        Assert.Empty(Script.Of<ReleaseStockForOrder>(id));
    }
}
