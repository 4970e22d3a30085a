using System.Net;
using Agora.Contracts.Orders;
using Agora.Ordering.Tests.Infrastructure;
using static Agora.Ordering.Tests.Infrastructure.OrderingFixture;

namespace Agora.Ordering.Tests;

/// <summary>Placing orders: idempotency keys, validation, malformed bodies, who may place.</summary>
public abstract partial class OrderingBehaviour
{
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
        await AssertSentOncePerAttemptAsync(client, id, "reserve_stock");
        await AssertSentOncePerAttemptAsync(client, racedId, "reserve_stock");
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
    [InlineData("51 lines", "items")]
    [InlineData("quantity 101", "items[0].quantity")]
    [InlineData("long product id", "items[0].product_id")]
    [InlineData("postal code of 21", "shipping_address.postal_code")]
    [InlineData("recipient of 101", "shipping_address.recipient")]
    [InlineData("line1 of 201", "shipping_address.line1")]
    public async Task PlaceOrder_Invalid_422WithFieldAndNothingStored(string problem, string field)
    {
        fixture.Catalog.Add("prd_draft", "1000", status: "draft");
        fixture.Catalog.Add("prd_dollar", "12.50", currency: "USD");
        var body = problem switch
        {
            "no items" => Orders.Body([]),
            "quantity 0" => Orders.Body([(Kettle, 0)]),
            "bad country" => Orders.Body([(Kettle, 1)], country: "Korea"),
            "no address" => new { items = new[] { new { product_id = Kettle, quantity = 1 } } },
            "unknown product" => Orders.Body([("prd_nope_" + Guid.NewGuid().ToString("N")[..6], 1)]),
            "draft product" => Orders.Body([(Kettle, 1), ("prd_draft", 1)]),
            "two currencies" => Orders.Body([(Kettle, 1), ("prd_dollar", 1)]),
            "51 lines" => Orders.Body(Enumerable.Repeat((Mug, 1), 51)),
            "quantity 101" => Orders.Body([(Kettle, 101)]),
            "long product id" => Orders.Body([("prd_" + new string('x', 40), 1)]),
            "postal code of 21" => Orders.Body([(Kettle, 1)], postalCode: new string('1', 21)),
            "recipient of 101" or "line1 of 201" => new
            {
                items = new[] { new { product_id = Kettle, quantity = 1 } },
                shipping_address = new
                {
                    recipient = new string('r', problem == "recipient of 101" ? 101 : 100), phone = "010-1234-5678",
                    line1 = new string('l', problem == "line1 of 201" ? 201 : 200), city = "Seoul", postal_code = "06236", country = "KR",
                },
            },
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
}
