using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Agora.Ordering.Tests.Infrastructure;
using static Agora.Ordering.Tests.Infrastructure.OrderingFixture;

namespace Agora.Ordering.Tests;

/// <summary>The read side: admin saga lists, time travel, history, projection rebuilds, ownership, lists.</summary>
public abstract partial class OrderingBehaviour
{
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
    public async Task CustomerOrders_ManyCustomersInOneCall_NewestFirstWithItems_OnlyWhatTheCallerMaySee()
    {
        var (alice, bob, nobody) = (Orders.NewCustomer(), Orders.NewCustomer(), Orders.NewCustomer());
        var aliceOrders = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            aliceOrders.Add(await PlaceAsync(alice, [(Kettle, 1), (Mug, i + 1)]));
        }

        var bobOrder = await PlaceAsync(bob, [(Mug, 2)]);
        var url = $"/api/v1/customer-orders?customer_ids={alice},{bob},{nobody}&limit=2";

        var all = (await Orders.DataAsync(App.AdminClient(), url)).AsArray();
        Assert.Equal([alice, bob, nobody], all.Select(e => (string)e!["customer_id"]!));
        var aliceEntry = all[0]!;
        Assert.Equal(3, (int)aliceEntry["total"]!);
        Assert.Equal([aliceOrders[2], aliceOrders[1]], aliceEntry["orders"]!.AsArray().Select(o => (string)o!["id"]!));
        Assert.Equal(3, (int)aliceEntry["orders"]![0]!["items"]![1]!["quantity"]!);
        Assert.Equal([bobOrder], all[1]!["orders"]!.AsArray().Select(o => (string)o!["id"]!));
        Assert.Empty(all[2]!["orders"]!.AsArray());

        // A customer sees only their own entry: the others are left out, as if they did not exist.
        var own = (await Orders.DataAsync(App.CustomerClient(alice), url)).AsArray();
        Assert.Equal([alice], own.Select(e => (string)e!["customer_id"]!));

        await (await App.AdminClient().GetAsync("/api/v1/customer-orders")).AssertErrorAsync(422, "VALIDATION_ERROR");
        await (await App.AdminClient().GetAsync($"/api/v1/customer-orders?customer_ids={alice}&limit=101")).AssertErrorAsync(422, "VALIDATION_ERROR");
        var tooMany = string.Join(",", Enumerable.Range(0, 101).Select(i => "usr_" + i.ToString(CultureInfo.InvariantCulture)));
        await (await App.AdminClient().GetAsync("/api/v1/customer-orders?customer_ids=" + tooMany)).AssertErrorAsync(422, "VALIDATION_ERROR");
        await (await App.AdminClient().GetAsync("/api/v1/customer-orders?customer_ids=usr_a;drop")).AssertErrorAsync(422, "VALIDATION_ERROR");
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task GetOrder_TimeTravel_VersionAndAsOfShowEarlierStateEventsShowAll()
    {
        var (customer, id) = await PlaceAsync([(Kettle, 1)]);
        var client = App.CustomerClient(customer);
        var now = await WaitAsync(client, id, o => Orders.Status(o) == "confirmed", "the order confirmed");

        var events = (await Orders.DataAsync(client, $"/api/v1/orders/{id}/events")).AsArray();
        Assert.Equal(HappyHistory, events.Select(e => (string)e!["type"]!).Where(t => t != "step_retried"));
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => (int)e!["version"]!));
        Assert.Equal(id, (string?)events[0]!["data"]!["order_id"]);
        Assert.Equal((int)now["version"]!, events.Count);
        int VersionOf(string type) => (int)events.First(e => (string?)e!["type"] == type)!["version"]!;

        var v1 = await Orders.DataAsync(client, $"/api/v1/orders/{id}?version=1");
        Assert.Equal((1, "pending", "reserve_stock"), ((int)v1["version"]!, Orders.Status(v1), Orders.Saga(v1)));
        Assert.Single(v1["history"]!.AsArray());
        Assert.Equal($"/api/v1/orders/{id}/cancel", (string?)v1["links"]!["cancel"]);

        var paid = await Orders.DataAsync(client, $"/api/v1/orders/{id}?version={VersionOf("payment_authorized")}");
        Assert.Equal(("paid", "create_shipment", "authorized"), (Orders.Status(paid), Orders.Saga(paid), (string?)paid["payment"]!["status"]));
        Assert.Equal("requested", (string?)paid["shipment"]!["status"]); // asked for, not yet booked

        // as_of: the state at the instant of the first event is the state at version 1, field for field.
        var firstAt = (string)events[0]!["occurred_at"]!;
        var asOf = await Orders.DataAsync(client, $"/api/v1/orders/{id}?as_of={Uri.EscapeDataString(firstAt)}");
        Assert.True(JsonNode.DeepEquals(v1, asOf), $"as_of={firstAt}: {asOf.ToJsonString()} vs version 1: {v1.ToJsonString()}");
        var before = DateTimeOffset.Parse(firstAt, CultureInfo.InvariantCulture).AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        await (await client.GetAsync($"/api/v1/orders/{id}?as_of={Uri.EscapeDataString(before)}")).AssertErrorAsync(404, "ORDER_NOT_YET_PLACED");
        await (await client.GetAsync($"/api/v1/orders/{id}?version=99")).AssertErrorAsync(404, "ORDER_VERSION_NOT_FOUND");
        await (await client.GetAsync($"/api/v1/orders/{id}?version=0")).AssertErrorAsync(422, "VALIDATION_ERROR");
        await (await client.GetAsync($"/api/v1/orders/{id}?as_of=yesterday")).AssertErrorAsync(422, "VALIDATION_ERROR");
        var longAsOf = await (await client.GetAsync($"/api/v1/orders/{id}?as_of={Uri.EscapeDataString(firstAt + new string(' ', 41 - firstAt.Length))}"))
            .AssertErrorAsync(422, "VALIDATION_ERROR");
        Assert.Equal("as_of", (string?)longAsOf["details"]![0]!["field"]);

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
        var longCustomer = await (await admin.GetAsync($"/api/v1/orders?customer_id={new string('u', 101)}")).AssertErrorAsync(422, "VALIDATION_ERROR");
        Assert.Equal("customer_id", (string?)longCustomer["details"]![0]!["field"]);

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
}
