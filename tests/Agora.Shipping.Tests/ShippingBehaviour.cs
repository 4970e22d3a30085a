using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agora.Contracts.Orders;
using Agora.Shipping.Features.CarrierCallbacks;
using Agora.Shipping.Tests.Infrastructure;

namespace Agora.Shipping.Tests;

/// <summary>Shipping's behaviour, run once per mode: SQLite + Wolverine TCP, and PostgreSQL + RabbitMQ.</summary>
public abstract partial class ShippingBehaviour(ShippingFixture fixture)
{
    private ShippingApp App => fixture.App;

    /// <summary>What Ordering's stand-in received: emptied for each test (a late answer of an earlier test is dropped).</summary>
    private readonly ProbeRecorder _received = fixture.App.Probe.Received.Cleared();

    /// <summary>
    /// How long a test watches for an answer that must not come (a second ShipmentDispatched, a delivery refused with
    /// 409). Nothing announces that a message will never be sent, so this is a bounded wait (Poll.StaysAsync); Shipping
    /// publishes within the request that decides, so a wrong answer would leave its outbox well within it.
    /// </summary>
    private static readonly TimeSpan NothingMoreWindow = TimeSpan.FromSeconds(1);
    private HttpClient Client => fixture.Client;

    private static string NewOrderId() => "ord_" + Guid.NewGuid().ToString("N");

    private static ShippingAddress Address(string country = "KR", string postalCode = "06236") =>
        new("Kim Minji", "+82-10-1234-5678", "123 Teheran-ro", "Apt 501", "Seoul", postalCode, country);

    private static CreateShipment Create(string orderId, string customerId = "usr_buyer", ShippingAddress? address = null) =>
        new(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, customerId, address ?? Address(), [new ItemQuantity("prd_kettle", 2), new ItemQuantity("prd_mug", 1)]);

    private async Task<ShipmentCreated> CreatedAsync(string orderId, string customerId = "usr_buyer", ShippingAddress? address = null)
    {
        await App.Probe.SendAsync(Create(orderId, customerId, address));
        return await _received.WaitForAsync<ShipmentCreated>(e => e.OrderId == orderId, "ShipmentCreated for " + orderId);
    }

    private async Task<HttpResponseMessage> CallbackAsync(object body, string secret = ShippingApp.Secret, long? timestamp = null, Action<HttpRequestMessage>? tweak = null)
    {
        var raw = Encoding.UTF8.GetBytes(await Json.Of(body).ReadAsStringAsync());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/carrier-callbacks") { Content = new ByteArrayContent(raw) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(CarrierSignature.HeaderName, CarrierSignature.Header(secret, timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds(), raw));
        tweak?.Invoke(request);
        return await Client.SendAsync(request);
    }

    private static object Step(string trackingNumber, string status, string? location = null, string? eventId = null) => new
    {
        event_id = eventId ?? "cj_" + Guid.NewGuid().ToString("N"),
        tracking_number = trackingNumber,
        status,
        location,
        occurred_at = DateTimeOffset.UtcNow,
    };

    private async Task<JsonNode> GetAsAdminAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", App.Identity.AdminToken());
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.BodyAsync();
    }

    private async Task<HttpResponseMessage> GetAsync(string url, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Client.SendAsync(request);
    }

    [GeneratedRegex("^KR[0-9]{9}$")]
    private static partial Regex TrackingNumberPattern();

    [Fact]
    public async Task CreateShipment_KoreanAddress_AnswersShipmentCreatedWithCjLogisticsAndTrackingNumber()
    {
        var orderId = NewOrderId();
        var created = await CreatedAsync(orderId);

        Assert.Equal("CJ Logistics", created.Carrier);
        Assert.Matches(TrackingNumberPattern(), created.TrackingNumber);
        Assert.StartsWith("shp_", created.ShipmentId, StringComparison.Ordinal);
        var shipment = (await GetAsAdminAsync($"/api/v1/shipments/{created.ShipmentId}"))["data"]!;
        Assert.Equal(orderId, (string?)shipment["order_id"]);
        Assert.Equal("created", (string?)shipment["status"]);
        Assert.Equal(created.TrackingNumber, (string?)shipment["tracking_number"]);
        Assert.Equal("06236", (string?)shipment["address"]!["postal_code"]);
        Assert.Equal(2, shipment["items"]!.AsArray().Count);
        Assert.Equal("created", (string?)Assert.Single(shipment["tracking"]!.AsArray())!["status"]);
    }

    [Fact]
    public async Task CreateShipment_AddressOutsideKorea_GoesWithDefaultCarrier()
    {
        var created = await CreatedAsync(NewOrderId(), address: Address("US", "94105"));
        Assert.Equal("Agora Express", created.Carrier);
        Assert.Matches(TrackingNumberPattern(), created.TrackingNumber);
    }

    [Fact]
    public async Task CreateShipment_SameOrderTwice_OneShipmentAndTheSameAnswerTwice()
    {
        var orderId = NewOrderId();
        await App.Probe.SendAsync(Create(orderId));
        await App.Probe.SendAsync(Create(orderId));

        var answers = await Poll.UntilAsync(() => Task.FromResult(_received.All<ShipmentCreated>(e => e.OrderId == orderId)), a => a.Count >= 2,
            "both answers");
        Assert.Equal(2, answers.Count);
        Assert.Single(answers.Select(a => (a.ShipmentId, a.TrackingNumber)).Distinct());
        var list = await GetAsAdminAsync($"/api/v1/shipments?order_id={orderId}");
        Assert.Single(list["data"]!.AsArray());
        Assert.Equal(1L, (long)list["pagination"]!["total"]!);
    }

    [Fact]
    public async Task CreateShipment_UnserviceablePostalCode_AnswersShipmentFailed()
    {
        var orderId = NewOrderId();
        await App.Probe.SendAsync(Create(orderId, address: Address(postalCode: "00000")));

        var failed = await _received.WaitForAsync<ShipmentFailed>(e => e.OrderId == orderId, "ShipmentFailed");
        Assert.Equal("address not serviceable", failed.Reason);
        Assert.Empty(_received.All<ShipmentCreated>(e => e.OrderId == orderId));
        var shipment = Assert.Single((await GetAsAdminAsync($"/api/v1/shipments?order_id={orderId}"))["data"]!.AsArray())!;
        Assert.Equal("failed", (string?)shipment["status"]);
        Assert.Null((string?)shipment["tracking_number"]);

        // Asked again, the answer is the same failure: nothing is booked on a second try.
        await App.Probe.SendAsync(Create(orderId, address: Address(postalCode: "00000")));
        await Poll.UntilAsync(() => _received.All<ShipmentFailed>(e => e.OrderId == orderId).Count == 2, "the second ShipmentFailed");
    }

    [Fact]
    public async Task CancelShipment_BeforeDispatch_CancelsAndAnswersShipmentCancelled()
    {
        var orderId = NewOrderId();
        var created = await CreatedAsync(orderId);

        await App.Probe.SendAsync(new CancelShipment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, "payment declined"));

        var cancelled = await _received.WaitForAsync<ShipmentCancelled>(e => e.OrderId == orderId, "ShipmentCancelled");
        Assert.Equal(created.ShipmentId, cancelled.ShipmentId);
        var shipment = (await GetAsAdminAsync($"/api/v1/shipments/{created.ShipmentId}"))["data"]!;
        Assert.Equal("cancelled", (string?)shipment["status"]);
        Assert.Equal("payment declined", (string?)shipment["reason"]);

        // The carrier can no longer pick it up.
        var pickUp = await CallbackAsync(Step(created.TrackingNumber, "dispatched"));
        await pickUp.AssertErrorAsync(409, "INVALID_TRANSITION");
    }

    [Fact]
    public async Task CancelShipment_UnknownOrder_AnswersCancelledAndALateCreateBooksNothing()
    {
        var orderId = NewOrderId();
        await App.Probe.SendAsync(new CancelShipment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, "order cancelled"));
        await _received.WaitForAsync<ShipmentCancelled>(e => e.OrderId == orderId, "ShipmentCancelled for an unknown order");

        await App.Probe.SendAsync(Create(orderId));

        await Poll.UntilAsync(() => _received.All<ShipmentCancelled>(e => e.OrderId == orderId).Count == 2, "the late create answered as cancelled");
        Assert.Empty(_received.All<ShipmentCreated>(e => e.OrderId == orderId));
    }

    [Fact]
    public async Task CancelShipment_AfterDispatch_KeepsShipmentAndAnswersWithItsState()
    {
        var orderId = NewOrderId();
        var created = await CreatedAsync(orderId);
        (await CallbackAsync(Step(created.TrackingNumber, "dispatched"))).EnsureSuccessStatusCode();
        await _received.WaitForAsync<ShipmentDispatched>(e => e.OrderId == orderId, "ShipmentDispatched");

        await App.Probe.SendAsync(new CancelShipment(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId, "too late"));

        await Poll.UntilAsync(() => _received.All<ShipmentDispatched>(e => e.OrderId == orderId).Count == 2, "the current state as the answer");
        Assert.Empty(_received.All<ShipmentCancelled>(e => e.OrderId == orderId));
        Assert.Equal("dispatched", (string?)(await GetAsAdminAsync($"/api/v1/shipments/{created.ShipmentId}"))["data"]!["status"]);
    }

    [Fact]
    public async Task CarrierCallbacks_Signed_DriveShipmentToDeliveredAndPublishEachStep()
    {
        var orderId = NewOrderId();
        var created = await CreatedAsync(orderId);

        var dispatched = await CallbackAsync(Step(created.TrackingNumber, "dispatched", "Seoul Gangnam"));
        Assert.Equal(HttpStatusCode.OK, dispatched.StatusCode);
        Assert.Equal("dispatched", (string?)(await dispatched.BodyAsync())["data"]!["status"]);
        var pickedUp = await _received.WaitForAsync<ShipmentDispatched>(e => e.OrderId == orderId, "ShipmentDispatched");
        Assert.Equal((created.ShipmentId, "CJ Logistics", created.TrackingNumber), (pickedUp.ShipmentId, pickedUp.Carrier, pickedUp.TrackingNumber));

        (await CallbackAsync(Step(created.TrackingNumber, "in_transit", "Daejeon Hub"))).EnsureSuccessStatusCode();
        var moving = await _received.WaitForAsync<ShipmentInTransit>(e => e.OrderId == orderId, "ShipmentInTransit");
        Assert.Equal("Daejeon Hub", moving.Location);

        (await CallbackAsync(Step(created.TrackingNumber, "in_transit", "Busan Hub"))).EnsureSuccessStatusCode();
        await Poll.UntilAsync(() => _received.All<ShipmentInTransit>(e => e.OrderId == orderId && e.Location == "Busan Hub").Count == 1, "the second hub");

        (await CallbackAsync(Step(created.TrackingNumber, "delivered", "Busan"))).EnsureSuccessStatusCode();
        await _received.WaitForAsync<ShipmentDelivered>(e => e.OrderId == orderId && e.ShipmentId == created.ShipmentId, "ShipmentDelivered");

        var shipment = (await GetAsAdminAsync($"/api/v1/shipments/{created.ShipmentId}"))["data"]!;
        Assert.Equal("delivered", (string?)shipment["status"]);
        Assert.NotNull((string?)shipment["dispatched_at"]);
        Assert.NotNull((string?)shipment["delivered_at"]);
        Assert.Equal(["created", "dispatched", "in_transit", "in_transit", "delivered"],
            shipment["tracking"]!.AsArray().Select(t => (string)t!["status"]!).ToArray());
        Assert.Equal("Busan Hub", (string?)shipment["tracking"]![3]!["location"]);
    }

    [Fact]
    public async Task CarrierCallback_SameEventTwice_SecondIsANoOp()
    {
        var orderId = NewOrderId();
        var created = await CreatedAsync(orderId);
        var step = Step(created.TrackingNumber, "dispatched", eventId: "cj_dup_" + Guid.NewGuid().ToString("N"));

        var first = await CallbackAsync(step);
        var second = await CallbackAsync(step);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False((bool)(await first.BodyAsync())["data"]!["duplicate"]!);
        Assert.True((bool)(await second.BodyAsync())["data"]!["duplicate"]!);
        await _received.WaitForAsync<ShipmentDispatched>(e => e.OrderId == orderId, "ShipmentDispatched");
        await Poll.StaysAsync(() => _received.All<ShipmentDispatched>(e => e.OrderId == orderId).Count == 1, "one ShipmentDispatched", NothingMoreWindow);
        var tracking = (await GetAsAdminAsync($"/api/v1/shipments/{created.ShipmentId}"))["data"]!["tracking"]!.AsArray();
        Assert.Equal(2, tracking.Count);
    }

    [Fact]
    public async Task CarrierCallback_WrongSecret_401AndNothingChanges()
    {
        var created = await CreatedAsync(NewOrderId());

        var response = await CallbackAsync(Step(created.TrackingNumber, "dispatched"), secret: "not-the-carrier-secret-at-all");

        await response.AssertErrorAsync(401, "INVALID_SIGNATURE");
        Assert.Equal("created", (string?)(await GetAsAdminAsync($"/api/v1/shipments/{created.ShipmentId}"))["data"]!["status"]);
    }

    [Fact]
    public async Task CarrierCallback_StaleTimestamp_401()
    {
        var created = await CreatedAsync(NewOrderId());

        var response = await CallbackAsync(Step(created.TrackingNumber, "dispatched"),
            timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds());

        var error = await response.AssertErrorAsync(401, "INVALID_SIGNATURE");
        Assert.Contains("tolerance", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal("created", (string?)(await GetAsAdminAsync($"/api/v1/shipments/{created.ShipmentId}"))["data"]!["status"]);
    }

    [Fact]
    public async Task CarrierCallback_MissingOrTamperedSignature_401()
    {
        var created = await CreatedAsync(NewOrderId());

        var missing = await CallbackAsync(Step(created.TrackingNumber, "dispatched"), tweak: r => r.Headers.Remove(CarrierSignature.HeaderName));
        await missing.AssertErrorAsync(401, "INVALID_SIGNATURE");

        // Signed for one body, sent with another: the signature covers the exact bytes.
        var other = Encoding.UTF8.GetBytes(await Json.Of(Step(created.TrackingNumber, "delivered")).ReadAsStringAsync());
        var tampered = await CallbackAsync(Step(created.TrackingNumber, "dispatched"), tweak: r =>
        {
            r.Content = new ByteArrayContent(other);
            r.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        });
        await tampered.AssertErrorAsync(401, "INVALID_SIGNATURE");
        Assert.Equal("created", (string?)(await GetAsAdminAsync($"/api/v1/shipments/{created.ShipmentId}"))["data"]!["status"]);
    }

    [Fact]
    public async Task CarrierCallback_DeliveredBeforeDispatch_409InvalidTransition()
    {
        var orderId = NewOrderId();
        var created = await CreatedAsync(orderId);

        var response = await CallbackAsync(Step(created.TrackingNumber, "delivered"));

        await response.AssertErrorAsync(409, "INVALID_TRANSITION");
        await Poll.StaysAsync(() => _received.All<ShipmentDelivered>(e => e.OrderId == orderId).Count == 0, "no ShipmentDelivered", NothingMoreWindow);
    }

    [Fact]
    public async Task CarrierCallback_UnknownTrackingNumber_404()
    {
        var response = await CallbackAsync(Step("KR000000001", "dispatched"));
        await response.AssertErrorAsync(404, "SHIPMENT_NOT_FOUND");
    }

    [Fact]
    public async Task CarrierCallback_UnknownStatusAndNoEventId_422WithDetails()
    {
        var response = await CallbackAsync(new { tracking_number = "KR123456789", status = "teleported" });

        var error = await response.AssertErrorAsync(422, "VALIDATION_ERROR");
        var fields = error["details"]!.AsArray().Select(d => (string)d!["field"]!).ToList();
        Assert.Contains("event_id", fields);
        Assert.Contains("status", fields);
    }

    [Fact]
    public async Task GetShipment_Ownership_OwnerAndAdminSeeItOthersGet404()
    {
        var owner = "usr_" + Guid.NewGuid().ToString("N")[..12];
        var orderId = NewOrderId();
        var created = await CreatedAsync(orderId, owner);
        var url = $"/api/v1/shipments/{created.ShipmentId}";

        var own = await GetAsync(url, App.CustomerToken(owner));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(created.TrackingNumber, (string?)(await own.BodyAsync())["data"]!["tracking_number"]);

        await (await GetAsync(url, App.CustomerToken("usr_someone_else"))).AssertErrorAsync(404, "SHIPMENT_NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(url, App.Identity.AdminToken())).StatusCode);
        await (await GetAsync(url, App.CustomerToken(owner, scope: "read:orders"))).AssertErrorAsync(403, "FORBIDDEN");
        await (await GetAsync(url, null)).AssertErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task ListShipments_ByOrder_OnlyTheCallersOwn()
    {
        var owner = "usr_" + Guid.NewGuid().ToString("N")[..12];
        var orderId = NewOrderId();
        var created = await CreatedAsync(orderId, owner);

        var own = await (await GetAsync($"/api/v1/shipments?order_id={orderId}", App.CustomerToken(owner))).BodyAsync();
        Assert.Equal(created.ShipmentId, (string?)Assert.Single(own["data"]!.AsArray())!["id"]);

        var mine = await (await GetAsync("/api/v1/shipments", App.CustomerToken(owner))).BodyAsync();
        Assert.Equal(created.ShipmentId, (string?)Assert.Single(mine["data"]!.AsArray())!["id"]);

        var other = await (await GetAsync($"/api/v1/shipments?order_id={orderId}", App.CustomerToken("usr_someone_else"))).BodyAsync();
        Assert.Empty(other["data"]!.AsArray());

        var spying = await GetAsync($"/api/v1/shipments?customer_id={owner}", App.CustomerToken("usr_someone_else"));
        await spying.AssertErrorAsync(403, "FORBIDDEN");

        var staff = await GetAsAdminAsync($"/api/v1/shipments?customer_id={owner}");
        Assert.Single(staff["data"]!.AsArray());
    }

    [Fact]
    public async Task ListShipments_FollowingCursors_VisitsEachOnceNewestFirst()
    {
        var owner = "usr_" + Guid.NewGuid().ToString("N")[..12];
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await CreatedAsync(NewOrderId(), owner)).ShipmentId);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await GetAsync($"/api/v1/shipments?per_page=2" + (cursor is null ? "" : "&cursor=" + cursor), App.CustomerToken(owner))).BodyAsync();
            seen.AddRange(page["data"]!.AsArray().Select(s => (string)s!["id"]!));
            cursor = (string?)page["pagination"]!["next_cursor"];
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(ids), seen);
    }
}

public sealed class EmbeddedShippingTests(EmbeddedShippingFixture fixture)
    : ShippingBehaviour(fixture), IClassFixture<EmbeddedShippingFixture>;

public sealed class DistributedShippingTests(DistributedShippingFixture fixture)
    : ShippingBehaviour(fixture), IClassFixture<DistributedShippingFixture>;
