using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Agora.Contracts.Orders;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Saga;
using Agora.Ordering.Infrastructure;
using Agora.Ordering.Tests.Infrastructure;
using Agora.ServiceDefaults.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Agora.Ordering.Tests.Infrastructure.OrderingFixture;

namespace Agora.Ordering.Tests;

/// <summary>
/// Ordering's behaviour, run once per mode (SQLite + Wolverine TCP, PostgreSQL + RabbitMQ): placing orders, the saga
/// with its happy path, failures, timeouts and compensations against scripted peers, the read side (time travel,
/// rebuilds, lists) and ownership. Each test uses its own customers, so its orders are its own.
/// </summary>
public abstract class OrderingBehaviour(OrderingFixture fixture)
{
    private static readonly string[] HappyHistory =
        ["order_placed", "stock_reserved", "payment_authorized", "shipment_created", "payment_captured", "stock_committed", "order_confirmed"];

    private readonly List<(string Customer, string OrderId)> _placed = [];
    private readonly int _failuresBefore = fixture.App.Failures.Count;

    protected OrderingApp App => fixture.App;

    protected PeerScript Script => fixture.Script;

    // ---------------------------------------------------------------- the saga

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

        // What the peers were asked for: the order's lines and total, its address.
        var reserve = Assert.Single(Script.Of<ReserveStockForOrder>(id));
        Assert.Equal([(Kettle, 2), (Mug, 1)], reserve.Lines.Select(l => (l.ProductId, l.Quantity)).OrderByDescending(l => l.Quantity));
        var authorize = Assert.Single(Script.Of<AuthorizePayment>(id));
        Assert.Equal((112000m, "KRW", customer), (authorize.Amount, authorize.Currency, authorize.CustomerId));
        Assert.Equal("06236", Assert.Single(Script.Of<CreateShipment>(id)).Address.PostalCode);
        Assert.Single(Script.Of<CapturePayment>(id));
        Assert.Single(Script.Of<CommitStockForOrder>(id));

        // The rest of the shop heard about it.
        var placed = await Eventually.GetAsync(() => Task.FromResult(Script.FirstOf<OrderPlaced>(id)), "OrderPlaced at the subscriber");
        Assert.Equal((112000m, customer + "@example.test"), (placed.Total, placed.Customer.Email));
        await Eventually.GetAsync(() => Task.FromResult(Script.FirstOf<OrderConfirmed>(id)), "OrderConfirmed at the subscriber");
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
        var cancelled = await Eventually.GetAsync(() => Task.FromResult(Script.FirstOf<OrderCancelled>(id)), "OrderCancelled at the subscriber");
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
        Assert.Single(Script.Of<ReleaseStockForOrder>(id));
        var failed = await Eventually.GetAsync(() => Task.FromResult(Script.FirstOf<OrderPaymentFailed>(id)), "OrderPaymentFailed at the subscriber");
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
        Assert.Single(Script.Of<VoidPayment>(id));
        Assert.Single(Script.Of<ReleaseStockForOrder>(id));
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
        await Eventually.TrueAsync(() => Script.Of<AuthorizePayment>(id).Count >= 2, "AuthorizePayment sent again after the step timeout");
        var retried = await WaitAsync(client, id, o => (int)o["saga"]!["attempt"]! >= 2, "the retry on the order");
        Assert.Equal("payment_pending", Orders.Status(retried));
        Assert.Contains("step_retried", await Orders.EventTypesAsync(client, id));

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
        await Eventually.TrueAsync(() => Script.Of<AuthorizePayment>(id).Count >= 2, "AuthorizePayment sent again while pending");
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
        Assert.Single(Script.Of<VoidPayment>(id));
        Assert.Single(Script.Of<ReleaseStockForOrder>(id));
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
        Assert.Single(Script.Of<CancelShipment>(id));
        Assert.Single(Script.Of<VoidPayment>(id));
        Assert.Single(Script.Of<ReleaseStockForOrder>(id));
        var events = await Orders.EventTypesAsync(client, id);
        Assert.Equal(["compensation_started", "shipment_cancelled", "payment_voided", "stock_released", "order_cancelled"], events.TakeLast(5));
        await AssertSagasSettledAsync();
        Assert.Empty(Script.Of<CapturePayment>(id));
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
        Assert.Single(Script.Of<CancelShipment>(id));
        Assert.Single(Script.Of<VoidPayment>(id));
        Assert.Single(Script.Of<ReleaseStockForOrder>(id));
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
        var refund = Assert.Single(Script.Of<RefundPayment>(id));
        Assert.Equal((62000m, "KRW"), (refund.Amount, refund.Currency)); // the money that was taken, all of it
        Assert.Single(Script.Of<CancelShipment>(id));
        Assert.Single(Script.Of<ReleaseStockForOrder>(id));
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
        var announced = await Eventually.GetAsync(() => Task.FromResult(Script.FirstOf<OrderShipped>(id)), "OrderShipped at the subscriber");
        Assert.Equal(("cj-logistics", tracking), (announced.Carrier, announced.TrackingNumber));

        await fixture.Peer.PublishAsync(new ShipmentInTransit(Guid.NewGuid(), now, id, shipment, "Daejeon hub"));
        await WaitAsync(client, id, o => (string?)o["shipment"]!["status"] == "in_transit", "the parcel in transit");
        await fixture.Peer.PublishAsync(new ShipmentDelivered(Guid.NewGuid(), now, id, shipment));
        var delivered = await WaitAsync(client, id, o => Orders.Status(o) == "delivered", "the order delivered");
        Assert.Equal(["pending", "payment_pending", "paid", "confirmed", "shipped", "delivered"],
            delivered["history"]!.AsArray().Select(h => (string)h!["status"]!));
        await Eventually.GetAsync(() => Task.FromResult(Script.FirstOf<OrderDelivered>(id)), "OrderDelivered at the subscriber");

        // A repeated delivery notice changes nothing.
        await fixture.Peer.PublishAsync(new ShipmentDelivered(Guid.NewGuid(), now, id, shipment));
        await Task.Delay(1500);
        var after = await Orders.DataAsync(client, $"/api/v1/orders/{id}");
        Assert.Equal((int)delivered["version"]!, (int)after["version"]!);
        Assert.Single(Script.Of<OrderDelivered>(id));
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
        Assert.Single(Script.Of<VoidPayment>(id));
        Assert.Single(Script.Of<ReleaseStockForOrder>(id));
        var cancelled = await Eventually.GetAsync(() => Task.FromResult(Script.FirstOf<OrderCancelled>(id)), "OrderCancelled at the subscriber");
        Assert.Equal("cancelled by customer", cancelled.Reason);

        var again = await client.PostAsync($"/api/v1/orders/{id}/cancel", null); // cancelling twice is cancelling once
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await AssertSagasSettledAsync();
        Assert.Empty(Script.Of<CreateShipment>(id));
        Assert.Single(Script.Of<VoidPayment>(id));
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

    // ---------------------------------------------------------------- idempotency and validation

    [Fact]
    public async Task PlaceOrder_SameIdempotencyKeyTwice_OneOrderReplayed()
    {
        var customer = Orders.NewCustomer();
        var client = App.CustomerClient(customer);
        var key = Orders.NewKey();
        var body = Orders.Body([(Kettle, 1)]);

        var first = await Orders.PostAsync(client, body, key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = (string)(await first.BodyAsync())["data"]!["id"]!;
        _placed.Add((customer, id));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));

        var second = await Orders.PostAsync(client, body, key);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(id, (string?)(await second.BodyAsync())["data"]!["id"]);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal($"/api/v1/orders/{id}", second.Headers.Location?.OriginalString);

        // A retry storm with the same key: still that one order.
        var storm = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Orders.PostAsync(client, body, key)));
        foreach (var response in storm)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(id, (string?)(await response.BodyAsync())["data"]!["id"]);
        }

        // The first request itself sent five times at once (a client retrying before any answer): one order.
        var racingKey = Orders.NewKey();
        var raced = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Orders.PostAsync(client, Orders.Body([(Mug, 3)]), racingKey)));
        var racedIds = new HashSet<string>();
        foreach (var response in raced)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
            racedIds.Add((string)System.Text.Json.Nodes.JsonNode.Parse(text)!["data"]!["id"]!);
        }

        var racedId = Assert.Single(racedIds);
        _placed.Add((customer, racedId));
        Assert.Single(raced, r => !r.Headers.Contains("Idempotent-Replayed"));

        var reused = await Orders.PostAsync(client, Orders.Body([(Kettle, 2)]), key);
        await reused.AssertErrorAsync(422, "IDEMPOTENCY_KEY_REUSED");

        var page = await WholeDataAsync(client, "/api/v1/orders");
        Assert.Equal(2, (int)page["pagination"]!["total"]!);
        Assert.Equal([racedId, id], page["data"]!.AsArray().Select(o => (string)o!["id"]!));

        // Keys are per customer: another customer's identical request is another order.
        var other = Orders.NewCustomer();
        var theirs = await Orders.PostAsync(App.CustomerClient(other), body, key);
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        var theirId = (string)(await theirs.BodyAsync())["data"]!["id"]!;
        _placed.Add((other, theirId));
        Assert.NotEqual(id, theirId);

        await AssertSagasSettledAsync();
        Assert.Single(Script.Of<ReserveStockForOrder>(id));
        Assert.Single(Script.Of<ReserveStockForOrder>(racedId));
        Assert.Equal(2, Script.All.Count(r => r.Message is OrderPlaced p && p.Customer.CustomerId == customer));
    }

    [Fact]
    public async Task PlaceOrder_WithoutIdempotencyKey_BadRequest()
    {
        var client = App.CustomerClient(Orders.NewCustomer());
        var response = await Orders.PostAsync(client, Orders.Body([(Kettle, 1)]), key: null);
        await response.AssertErrorAsync(400, "IDEMPOTENCY_KEY_REQUIRED");
        var list = await (await client.GetAsync("/api/v1/orders")).BodyAsync();
        Assert.Equal(0, (int)list["pagination"]!["total"]!);
    }

    [Theory]
    [InlineData("no items", "items")]
    [InlineData("quantity 0", "items[0].quantity")]
    [InlineData("bad country", "shipping_address.country")]
    [InlineData("no address", "shipping_address")]
    [InlineData("unknown product", "items[0].product_id")]
    [InlineData("draft product", "items[1].product_id")]
    [InlineData("two currencies", "items")]
    public async Task PlaceOrder_Invalid_422WithFieldAndNothingStored(string problem, string field)
    {
        fixture.Catalog.Add("prd_draft", "1000", status: "draft");
        fixture.Catalog.Add("prd_dollar", "12.50", currency: "USD");
        object body = problem switch
        {
            "no items" => Orders.Body([]),
            "quantity 0" => Orders.Body([(Kettle, 0)]),
            "bad country" => Orders.Body([(Kettle, 1)], country: "Korea"),
            "no address" => new { items = new[] { new { product_id = Kettle, quantity = 1 } } },
            "unknown product" => Orders.Body([("prd_nope_" + Guid.NewGuid().ToString("N")[..6], 1)]),
            "draft product" => Orders.Body([(Kettle, 1), ("prd_draft", 1)]),
            "two currencies" => Orders.Body([(Kettle, 1), ("prd_dollar", 1)]),
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };
        var client = App.CustomerClient(Orders.NewCustomer());

        var response = await Orders.PostAsync(client, body, Orders.NewKey());
        var error = await response.AssertErrorAsync(422, "VALIDATION_ERROR");
        Assert.Contains(error["details"]!.AsArray(), d => (string?)d!["field"] == field);
        var list = await (await client.GetAsync("/api/v1/orders")).BodyAsync();
        Assert.Equal(0, (int)list["pagination"]!["total"]!);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"items\": \"kettle\"}")]
    [InlineData("{\"items\": [{\"product_id\": \"prd_kettle\", \"quantity\": \"two\"}]}")]
    [InlineData("{\"items\": [{\"product_id\": \"prd_kettle\", \"quantity\": 99999999999}]}")]
    [InlineData("{\"items\": [null], \"shipping_address\": null}")]
    [InlineData("{\"items\": [{\"product_id\": \"prd_kettle\", \"quantity\": 1}], \"shipping_address\": {\"recipient\": \"a\\u0000b\", \"country\": \"KR\"}}")]
    public async Task PlaceOrder_MalformedBody_ClientErrorNever500(string json)
    {
        var client = App.CustomerClient(Orders.NewCustomer());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = Json.Raw(json) };
        request.Headers.Add("Idempotency-Key", Orders.NewKey());
        var response = await client.SendAsync(request);

        Assert.True((int)response.StatusCode is 400 or 422, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var body = await response.BodyAsync();
        Assert.False(string.IsNullOrEmpty((string?)body["error"]!["code"]));
    }

    [Fact]
    public async Task PlaceOrder_NotACustomersToken_Forbidden()
    {
        var admin = App.AdminClient(); // staff, but no email: orders are placed by customers
        await (await Orders.PostAsync(admin, Orders.Body([(Kettle, 1)]), Orders.NewKey())).AssertErrorAsync(403, "FORBIDDEN");
        var readOnly = App.CreateDefaultClient(new BearerTokenHandler(() => App.CustomerToken(Orders.NewCustomer(), "read:orders")));
        Assert.Equal(HttpStatusCode.Forbidden, (await Orders.PostAsync(readOnly, Orders.Body([(Kettle, 1)]), Orders.NewKey())).StatusCode);
        var anonymous = App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Orders.PostAsync(anonymous, Orders.Body([(Kettle, 1)]), Orders.NewKey())).StatusCode);
    }

    // ---------------------------------------------------------------- the read side

    [Fact]
    public async Task AdminSagas_ByState_ListsOrdersWhereTheirSagaIs()
    {
        var customer = Orders.NewCustomer();
        Script.DeclineCustomers[customer] = 0;
        var cancelled = await PlaceAsync(customer, [(Mug, 1)]);
        var confirmed = await PlaceAsync([(Mug, 1)]);
        await AssertSagasSettledAsync();
        var admin = App.AdminClient();

        var cancelledPage = (await Orders.DataAsync(admin, "/api/v1/admin/sagas?state=cancelled&per_page=100")).AsArray();
        Assert.Contains(cancelledPage, o => (string?)o!["id"] == cancelled);
        Assert.All(cancelledPage, o => Assert.Equal("cancelled", (string?)o!["saga_state"]));
        var completedPage = (await Orders.DataAsync(admin, "/api/v1/admin/sagas?state=completed&per_page=100")).AsArray();
        Assert.Contains(completedPage, o => (string?)o!["id"] == confirmed.OrderId);
        Assert.DoesNotContain(completedPage, o => (string?)o!["id"] == cancelled);

        await (await admin.GetAsync("/api/v1/admin/sagas?state=stuck")).AssertErrorAsync(422, "VALIDATION_ERROR");
        await (await App.CustomerClient(customer).GetAsync("/api/v1/admin/sagas")).AssertErrorAsync(403, "FORBIDDEN");
        Assert.Equal(cancelled, (string?)(await Orders.DataAsync(App.CustomerClient(customer), "/api/v1/orders?status=cancelled"))[0]!["id"]);
        Assert.Empty((await Orders.DataAsync(App.CustomerClient(customer), "/api/v1/orders?status=confirmed")).AsArray());
        await (await App.CustomerClient(customer).GetAsync("/api/v1/orders?status=lost")).AssertErrorAsync(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task GetOrder_TimeTravel_VersionAndAsOfShowEarlierStateEventsShowAll()
    {
        var (customer, id) = await PlaceAsync([(Kettle, 1)]);
        var client = App.CustomerClient(customer);
        var now = await WaitAsync(client, id, o => Orders.Status(o) == "confirmed", "the order confirmed");

        var events = (await Orders.DataAsync(client, $"/api/v1/orders/{id}/events")).AsArray();
        Assert.Equal(HappyHistory, events.Select(e => (string)e!["type"]!));
        Assert.Equal(Enumerable.Range(1, HappyHistory.Length), events.Select(e => (int)e!["version"]!));
        Assert.Equal(id, (string?)events[0]!["data"]!["order_id"]);
        Assert.Equal((int)now["version"]!, events.Count);

        var v1 = await Orders.DataAsync(client, $"/api/v1/orders/{id}?version=1");
        Assert.Equal((1, "pending", "reserve_stock"), ((int)v1["version"]!, Orders.Status(v1), Orders.Saga(v1)));
        Assert.Single(v1["history"]!.AsArray());
        Assert.Equal($"/api/v1/orders/{id}/cancel", (string?)v1["links"]!["cancel"]);

        var v3 = await Orders.DataAsync(client, $"/api/v1/orders/{id}?version=3");
        Assert.Equal(("paid", "create_shipment", "authorized"), (Orders.Status(v3), Orders.Saga(v3), (string?)v3["payment"]!["status"]));

        // as_of: the state at the instant of the first event is the state at version 1, field for field.
        var firstAt = (string)events[0]!["occurred_at"]!;
        var asOf = await Orders.DataAsync(client, $"/api/v1/orders/{id}?as_of={Uri.EscapeDataString(firstAt)}");
        Assert.True(JsonNode.DeepEquals(v1, asOf), $"as_of={firstAt}: {asOf.ToJsonString()} vs version 1: {v1.ToJsonString()}");
        var before = DateTimeOffset.Parse(firstAt, CultureInfo.InvariantCulture).AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        await (await client.GetAsync($"/api/v1/orders/{id}?as_of={Uri.EscapeDataString(before)}")).AssertErrorAsync(404, "ORDER_NOT_YET_PLACED");
        await (await client.GetAsync($"/api/v1/orders/{id}?version=99")).AssertErrorAsync(404, "ORDER_VERSION_NOT_FOUND");
        await (await client.GetAsync($"/api/v1/orders/{id}?version=0")).AssertErrorAsync(422, "VALIDATION_ERROR");
        await (await client.GetAsync($"/api/v1/orders/{id}?as_of=yesterday")).AssertErrorAsync(422, "VALIDATION_ERROR");

        // Now is still now.
        Assert.Equal("confirmed", Orders.Status(await Orders.DataAsync(client, $"/api/v1/orders/{id}")));
        await AssertSagasSettledAsync();
    }

    [Fact]
    public async Task RebuildProjections_FromEventLog_DetailAndListUnchanged()
    {
        var customer = Orders.NewCustomer();
        var confirmed = await PlaceAsync(customer, [(Kettle, 1), (Mug, 2)]);
        var shipFailed = await PlaceAsync(customer, [(Mug, 1)], postalCode: PeerScript.UnservedPostalCode);
        await AssertSagasSettledAsync();
        var client = App.CustomerClient(customer);
        var admin = App.AdminClient();
        var urls = new[]
        {
            $"/api/v1/orders/{confirmed}", $"/api/v1/orders/{shipFailed}", "/api/v1/orders?per_page=1", "/api/v1/orders",
            $"/api/v1/users/{customer}/orders",
        };
        var before = new List<JsonNode>();
        foreach (var url in urls)
        {
            before.Add(await WholeDataAsync(client, url));
        }

        var forbidden = await client.PostAsync("/api/v1/admin/projections/rebuild", null);
        await forbidden.AssertErrorAsync(403, "FORBIDDEN");
        var rebuild = await admin.PostAsync("/api/v1/admin/projections/rebuild", null);
        Assert.Equal(HttpStatusCode.OK, rebuild.StatusCode);
        var result = (await rebuild.BodyAsync())["data"]!;
        Assert.True((int)result["orders"]! >= 2);
        Assert.True((long)result["events"]! >= HappyHistory.Length + 8);

        for (var i = 0; i < urls.Length; i++)
        {
            var after = await WholeDataAsync(client, urls[i]);
            Assert.True(JsonNode.DeepEquals(before[i], after), $"{urls[i]} changed:\nbefore {before[i].ToJsonString()}\nafter  {after.ToJsonString()}");
        }

        Assert.Equal(2, (int)(await WholeDataAsync(client, "/api/v1/orders"))["pagination"]!["total"]!);
    }

    [Fact]
    public async Task Ownership_OtherCustomer_404_Admin_SeesAll()
    {
        var (owner, id) = await PlaceAsync([(Mug, 1)]);
        var intruder = App.CustomerClient(Orders.NewCustomer());
        await WaitAsync(App.CustomerClient(owner), id, Orders.IsSettled, "the order settled");

        await (await intruder.GetAsync($"/api/v1/orders/{id}")).AssertErrorAsync(404, "ORDER_NOT_FOUND");
        await (await intruder.GetAsync($"/api/v1/orders/{id}?version=1")).AssertErrorAsync(404, "ORDER_NOT_FOUND");
        await (await intruder.GetAsync($"/api/v1/orders/{id}/events")).AssertErrorAsync(404, "ORDER_NOT_FOUND");
        await (await intruder.PostAsync($"/api/v1/orders/{id}/cancel", null)).AssertErrorAsync(404, "ORDER_NOT_FOUND");
        await (await intruder.GetAsync($"/api/v1/users/{owner}/orders")).AssertErrorAsync(404, "USER_NOT_FOUND");
        await (await intruder.GetAsync($"/api/v1/orders?customer_id={owner}")).AssertErrorAsync(403, "FORBIDDEN");
        Assert.Equal(0, (int)(await WholeDataAsync(intruder, "/api/v1/orders"))["pagination"]!["total"]!);

        // Staff see every order, its history and any customer's list.
        var admin = App.AdminClient();
        Assert.Equal(id, (string?)(await Orders.DataAsync(admin, $"/api/v1/orders/{id}"))["id"]);
        Assert.NotEmpty((await Orders.DataAsync(admin, $"/api/v1/orders/{id}/events")).AsArray());
        Assert.Equal(id, (string?)(await Orders.DataAsync(admin, $"/api/v1/users/{owner}/orders"))[0]!["id"]);
        Assert.Equal(id, (string?)(await Orders.DataAsync(admin, $"/api/v1/orders?customer_id={owner}"))[0]!["id"]);

        // A token without an order scope is refused outright.
        var noScope = App.CreateDefaultClient(new BearerTokenHandler(() => App.CustomerToken(owner, "read:catalog")));
        Assert.Equal(HttpStatusCode.Forbidden, (await noScope.GetAsync($"/api/v1/orders/{id}")).StatusCode);
        await AssertSagasSettledAsync();
    }

    [Fact]
    public async Task ListOrders_OnlyCallersOwn_NewestFirst_CursorPaging()
    {
        var customer = Orders.NewCustomer();
        var mine = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            mine.Add(await PlaceAsync(customer, [(Mug, i + 1)]));
        }

        await PlaceAsync([(Mug, 1)]); // someone else's
        var client = App.CustomerClient(customer);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var body = await WholeDataAsync(client, "/api/v1/orders?per_page=2" + (cursor is null ? "" : "&cursor=" + cursor));
            pages++;
            Assert.Equal(3, (int)body["pagination"]!["total"]!);
            Assert.Equal(2, (int)body["pagination"]!["per_page"]!);
            foreach (var row in body["data"]!.AsArray())
            {
                Assert.Equal(customer, (string?)row!["customer_id"]);
                Assert.Equal($"/api/v1/orders/{row["id"]}", (string?)row["href"]);
                seen.Add((string)row["id"]!);
            }

            cursor = (string?)body["pagination"]!["next_cursor"];
        }
        while (cursor is not null && pages < 5);

        Assert.Equal(2, pages);
        Assert.Equal(Enumerable.Reverse(mine), seen); // newest first, each once

        await (await client.GetAsync("/api/v1/orders?cursor=not-a-cursor")).AssertErrorAsync(422, "VALIDATION_ERROR");
        await (await client.GetAsync("/api/v1/orders?per_page=1000")).AssertErrorAsync(422, "VALIDATION_ERROR");
        await AssertSagasSettledAsync();
    }

    // ---------------------------------------------------------------- concurrency

    [Fact]
    public async Task Commit_SameStreamVersionFromTwoContexts_SecondFailsWithStreamConcurrencyException()
    {
        var (customer, id) = await PlaceAsync([(Kettle, 1)]);
        var client = App.CustomerClient(customer);
        var confirmed = await WaitAsync(client, id, o => Orders.Status(o) == "confirmed", "the order confirmed");
        var version = (int)confirmed["version"]!;

        // Two handlers of one ShipmentDispatched (a redelivery) load the order at the same version.
        await using var scopeA = App.Services.CreateAsyncScope();
        await using var scopeB = App.Services.CreateAsyncScope();
        var a = scopeA.ServiceProvider.GetRequiredService<OrderProcessor>();
        var b = scopeB.ServiceProvider.GetRequiredService<OrderProcessor>();
        var orderA = (await a.LoadAsync(id, CancellationToken.None))!;
        var orderB = (await b.LoadAsync(id, CancellationToken.None))!;
        var dispatched = new ShipmentDispatched(Guid.NewGuid(), DateTimeOffset.UtcNow, id, "shp_x", "cj-logistics", "KR000000001");

        await a.CommitAsync(orderA, OrderSaga.Decide(orderA, dispatched, a.Now), CancellationToken.None);
        var lost = await Assert.ThrowsAsync<StreamConcurrencyException>(
            () => b.CommitAsync(orderB, OrderSaga.Decide(orderB, dispatched, b.Now), CancellationToken.None));
        Assert.Equal((id, version), (lost.StreamId, lost.ExpectedVersion));

        var order = await Orders.DataAsync(client, $"/api/v1/orders/{id}");
        Assert.Equal(("shipped", version + 1), (Orders.Status(order), (int)order["version"]!));
        Assert.Single(await Orders.EventTypesAsync(client, id), t => t == "order_shipped");
        await Eventually.TrueAsync(() => Script.Of<OrderShipped>(id).Count == 1, "OrderShipped at the subscriber");
        await Task.Delay(1000);
        Assert.Single(Script.Of<OrderShipped>(id)); // the losing commit published nothing

        // The store itself: the unique (stream, version) index refuses a second event at the same version.
        await using var scopeC = App.Services.CreateAsyncScope();
        await using var scopeD = App.Services.CreateAsyncScope();
        var dbC = scopeC.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var dbD = scopeD.ServiceProvider.GetRequiredService<OrderingDbContext>();
        new EventStore(dbC).Append(id, version + 1, [new OrderEvent.InTransit(DateTimeOffset.UtcNow, "Daejeon hub")], null);
        new EventStore(dbD).Append(id, version + 1, [new OrderEvent.InTransit(DateTimeOffset.UtcNow, "Busan hub")], null);
        await dbC.SaveChangesAsync();
        var clash = await Assert.ThrowsAsync<DbUpdateException>(() => dbD.SaveChangesAsync());
        Assert.True(DbErrors.IsUniqueViolation(clash), clash.InnerException?.Message);
        var stream = await new EventStore(dbC).ReadStreamAsync(id);
        Assert.Equal(Enumerable.Range(1, version + 2), stream.Select(e => e.Version));
        Assert.Equal("Daejeon hub", Assert.IsType<OrderEvent.InTransit>(stream[^1].Event).Location);
    }

    [Fact]
    public async Task Answers_TwoRacingForOneOrder_OneAppliedOrderEndsConsistent()
    {
        var customer = Orders.NewCustomer();
        Script.QuietPaymentCustomers[customer] = 0; // Payment authorizes; its answer is late, and then comes twice at once
        var id = await PlaceAsync(customer, [(Kettle, 1)]);
        await Eventually.TrueAsync(() => Script.Authorized(id), "the authorization at Payment");

        using var bothDecided = new Barrier(2);
        async Task<bool> DeliverAsync(PaymentAuthorized answer, bool race)
        {
            await using var scope = App.Services.CreateAsyncScope();
            var processor = scope.ServiceProvider.GetRequiredService<OrderProcessor>();
            try
            {
                await processor.ApplyAsync(id, order =>
                {
                    var events = OrderSaga.Decide(order, answer, processor.Now);
                    if (race)
                    {
                        Assert.True(bothDecided.SignalAndWait(TimeSpan.FromSeconds(10)), "the other answer never got decided");
                    }

                    return events;
                }, CancellationToken.None);
                return true;
            }
            catch (StreamConcurrencyException)
            {
                return false;
            }
        }

        var answers = new[] { Script.HeldAuthorization(id), Script.HeldAuthorization(id) };
        var applied = await Task.WhenAll(answers.Select(a => Task.Run(() => DeliverAsync(a, race: true))));
        Assert.Contains(false, applied); // both decided on one version: at most one commit can win
        for (var i = 0; i < answers.Length; i++)
        {
            if (!applied[i])
            {
                Assert.True(await DeliverAsync(answers[i], race: false), "the retry on fresh state failed again"); // as Wolverine retries
            }
        }

        Script.QuietPaymentCustomers.TryRemove(customer, out _);
        var client = App.CustomerClient(customer);
        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("confirmed", Orders.Status(order));
        await AssertSagasSettledAsync();
        await AssertEveryStepOnceAsync(client, id, from: "create_shipment");
    }

    [Fact]
    public async Task Answers_EachDeliveredThreeTimesAtOnce_EveryStepOnce()
    {
        var customer = Orders.NewCustomer();
        Script.DuplicatingCustomers[customer] = 0;
        var id = await PlaceAsync(customer, [(Kettle, 1), (Mug, 1)]);
        var client = App.CustomerClient(customer);

        var order = await WaitAsync(client, id, Orders.IsSettled, "the order settled");
        Assert.Equal("confirmed", Orders.Status(order));
        await AssertSagasSettledAsync();

        await AssertEveryStepOnceAsync(client, id);
        await Task.Delay(1000);
        Assert.Single(Script.Of<OrderConfirmed>(id));
    }

    [Fact]
    public async Task SagaHandlers_ProcessorCommitsItsOwnTransaction_AnswerNotFailedAfterCommit()
    {
        // Bug: Wolverine's EF transaction middleware wrapped the saga handlers (OrderProcessor depends on the
        // DbContext), so after the processor had committed, marking the inbox envelope handled ran on a closed
        // connection: every answer and timer failed once, was logged as an error and retried as a no-op.
        var (customer, id) = await PlaceAsync([(Kettle, 1)]);
        var declined = Orders.NewCustomer();
        Script.DeclineCustomers[declined] = 0;
        var cancelled = await PlaceAsync(declined, [(Mug, 1)]);
        await WaitAsync(App.CustomerClient(customer), id, o => Orders.Status(o) == "confirmed", "the order confirmed");
        await WaitAsync(App.CustomerClient(declined), cancelled, o => Orders.Status(o) == "cancelled", "the declined order cancelled");

        Assert.Empty(App.Failures.Since(_failuresBefore).Select(f => $"{f.Category}: {f.Exception.GetType().Name}: {f.Exception.Message}"));
        await AssertSagasSettledAsync();
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>
    /// A confirmed order's history is the happy one, each step once, and each command went out once per attempt.
    /// (Racing copies cost retries with back-off; if that outlasted a step's timeout on a busy machine the step was
    /// retried, and then its command went out once more: the only extra allowed.)
    /// </summary>
    private async Task AssertEveryStepOnceAsync(HttpClient client, string id, string from = "authorize_payment")
    {
        var events = (await Orders.DataAsync(client, $"/api/v1/orders/{id}/events")).AsArray();
        Assert.Equal(HappyHistory, events.Select(e => (string)e!["type"]!).Where(t => t != "step_retried"));
        int Sent(string step) => 1 + events.Count(e => (string?)e!["type"] == "step_retried" && (string?)e["data"]!["step"] == step);
        var steps = new (string Step, int Count)[]
        {
            ("authorize_payment", Script.Of<AuthorizePayment>(id).Count), ("create_shipment", Script.Of<CreateShipment>(id).Count),
            ("capture_payment", Script.Of<CapturePayment>(id).Count), ("commit_stock", Script.Of<CommitStockForOrder>(id).Count),
        };
        foreach (var (step, count) in steps.SkipWhile(s => s.Step != from))
        {
            Assert.True(Sent(step) == count, $"{step}: {count} commands for {Sent(step)} attempts");
        }
    }

    private async Task<(string Customer, string OrderId)> PlaceAsync(IEnumerable<(string, int)> items, string postalCode = "06236")
    {
        var customer = Orders.NewCustomer();
        return (customer, await PlaceAsync(customer, items, postalCode));
    }

    private async Task<string> PlaceAsync(string customer, IEnumerable<(string, int)> items, string postalCode = "06236")
    {
        var response = await Orders.PostAsync(App.CustomerClient(customer), Orders.Body(items, postalCode), Orders.NewKey());
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        var id = (string)JsonNode.Parse(body)!["data"]!["id"]!;
        _placed.Add((customer, id));
        return id;
    }

    private static async Task<JsonNode> WaitAsync(HttpClient client, string id, Func<JsonNode, bool> until, string what, TimeSpan? timeout = null)
    {
        JsonNode? last = null;
        return await Eventually.GetAsync(async () =>
        {
            last = await Orders.DataAsync(client, $"/api/v1/orders/{id}");
            return until(last) ? last : null;
        }, what + " (" + id + ")", timeout, () => last?.ToJsonString() ?? "nothing");
    }

    /// <summary>The body without <c>meta</c> (request id and time differ per response).</summary>
    private static async Task<JsonNode> WholeDataAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (JsonObject)await response.BodyAsync();
        body.Remove("meta");
        return body;
    }

    /// <summary>
    /// After a saga test: every order it placed reached an end (completed or cancelled), its read model equals its
    /// stream folded, and nothing is left hanging at the peers: each payment not declined was captured or voided,
    /// each reservation committed or released, and the outcome was announced.
    /// </summary>
    private async Task AssertSagasSettledAsync()
    {
        foreach (var (customer, id) in _placed)
        {
            var client = App.CustomerClient(customer);
            var order = await WaitAsync(client, id, Orders.IsSettled, "a terminal saga state");
            var version = (int)order["version"]!;
            var folded = await Orders.DataAsync(client, $"/api/v1/orders/{id}?version={version}");
            Assert.True(JsonNode.DeepEquals(order, folded), $"read model differs from the stream:\n{order.ToJsonString()}\n{folded.ToJsonString()}");
            var events = (await Orders.DataAsync(client, $"/api/v1/orders/{id}/events")).AsArray();
            Assert.Equal(Enumerable.Range(1, version), events.Select(e => (int)e!["version"]!));

            var status = Orders.Status(order);
            if (Orders.Saga(order) == "completed")
            {
                Assert.True(Script.Authorized(id), $"{id} completed without an authorization");
                await Eventually.TrueAsync(() => Script.Of<CapturePayment>(id).Count > 0 && Script.Of<CommitStockForOrder>(id).Count > 0,
                    $"capture and stock commit of {id}");
                await Eventually.TrueAsync(() => Script.Of<OrderConfirmed>(id).Count > 0, $"OrderConfirmed of {id}");
                Assert.Empty(Script.Of<VoidPayment>(id));
                Assert.Empty(Script.Of<ReleaseStockForOrder>(id));
            }
            else
            {
                Assert.Equal("cancelled", status);
                if (Script.Captured(id))
                {
                    await Eventually.TrueAsync(() => Script.Of<RefundPayment>(id).Count > 0, $"the captured payment of cancelled {id} refunded");
                }
                else
                {
                    await Eventually.TrueAsync(() => Script.Of<AuthorizePayment>(id).Count == 0 || Script.Declined(id) || Script.Of<VoidPayment>(id).Count > 0,
                        $"the payment of cancelled {id} voided");
                }

                await Eventually.TrueAsync(() => !Script.Reserved(id) || Script.Of<ReleaseStockForOrder>(id).Count > 0,
                    $"the stock of cancelled {id} released");
                await Eventually.TrueAsync(() => Script.Of<OrderCancelled>(id).Count > 0, $"OrderCancelled of {id}");
                Assert.False(Script.Committed(id), $"cancelled {id} had its stock sold");
                Assert.Empty(Script.Of<OrderConfirmed>(id));
            }

            Assert.True(status is "confirmed" or "shipped" or "delivered" or "cancelled", $"{id} ended {status}");
        }

        // Nothing failed on the way, except lost races on a stream (EF logs the unique violation; the processor turns
        // it into StreamConcurrencyException, which is retried on fresh state by design).
        Assert.Empty(App.Failures.Since(_failuresBefore)
            .Where(f => f.Exception is not StreamConcurrencyException && !(f.Exception is DbUpdateException u && DbErrors.IsUniqueViolation(u)))
            .Select(f => $"{f.Category}: {f.Exception.GetType().Name}: {f.Exception.Message}"));
    }
}

public sealed class EmbeddedOrderingTests(EmbeddedOrderingFixture fixture)
    : OrderingBehaviour(fixture), IClassFixture<EmbeddedOrderingFixture>;

public sealed class DistributedOrderingTests(DistributedOrderingFixture fixture)
    : OrderingBehaviour(fixture), IClassFixture<DistributedOrderingFixture>;
