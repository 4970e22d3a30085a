using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// The operator's side of the shop the AppHost started: staff (the demo admin) reading sagas, payments and stock; the
/// failure switches of the PSP simulator and the development inbox; stopping and starting a service's process; and
/// the checks that must hold after every test (<see cref="AssertInvariantsAsync"/>).
/// </summary>
public sealed class ShopOperator : IDisposable
{
    private static readonly string[] TerminalSagaStates = ["completed", "cancelled"];

    private readonly AppHostFixture _fixture;
    private readonly HttpClient _plain;
    private readonly Dictionary<string, JsonNode> _stockBefore = [];
    private readonly List<string> _orders = [];

    private ShopOperator(AppHostFixture fixture, ShopClient admin)
    {
        _fixture = fixture;
        Admin = admin;
        _plain = fixture.CreateHttpClient();
    }

    /// <summary>Signed in as the demo admin (role <c>admin</c>).</summary>
    public ShopClient Admin { get; }

    public static async Task<ShopOperator> StartAsync(AppHostFixture fixture)
    {
        var admin = await ShopClient.SignInAsStaffAsync(fixture);
        var op = new ShopOperator(fixture, admin);
        // A test that failed half-way must not leave the next one with a broken provider.
        await op.SetPspAsync(new JsonObject());
        await op.SetInboxRefusingAsync(false);
        return op;
    }

    /// <summary>Remembers a product's stock now, so <see cref="AssertInvariantsAsync"/> can check it is conserved.</summary>
    public async Task<JsonNode> TrackStockAsync(string productId)
    {
        var inventory = await Admin.GetDataAsync("catalog", $"/api/v1/products/{productId}/inventory");
        _stockBefore[productId] = inventory;
        return inventory;
    }

    /// <summary>An order the invariants cover.</summary>
    public string Track(string orderId)
    {
        _orders.Add(orderId);
        return orderId;
    }

    /// <summary>An active product no other test uses (the <paramref name="index"/>-th by price), stocked with <paramref name="stock"/> units.</summary>
    public async Task<string> ProductAsync(int index, int stock = 50)
    {
        var page = await Admin.GetDataAsync("catalog", "/api/v1/products?per_page=50&sort=price&status=active");
        var id = (string)page[index]!["id"]!;
        await SetStockAsync(id, stock);
        return id;
    }

    /// <summary>Sets a product's available stock (staff).</summary>
    public async Task SetStockAsync(string productId, int available)
    {
        var (status, body, _) = await Admin.SendAsync(HttpMethod.Put, "catalog", $"/api/v1/products/{productId}/inventory",
            new JsonObject { ["available"] = available });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    /// <summary>
    /// The PSP simulator's behaviour (<c>PUT /admin/behaviour</c>): latency_ms, decline_rate, error_rate, outage,
    /// decline_customers; what is left out is healthy.
    /// </summary>
    public async Task SetPspAsync(JsonObject behaviour)
    {
        var body = new JsonObject { ["latency_ms"] = 0, ["decline_rate"] = 0, ["error_rate"] = 0, ["outage"] = false, ["decline_customers"] = new JsonArray() };
        foreach (var (key, value) in behaviour)
        {
            body[key] = value?.DeepClone();
        }

        await PutAsync("psp", "/admin/behaviour", body);
    }

    /// <summary>The provider's own record of an order's authorizations (what was really charged).</summary>
    public async Task<JsonArray> PspAuthorizationsAsync(string orderId)
    {
        var text = await _plain.GetStringAsync(new Uri(_fixture.App.GetEndpoint("psp", "http"), $"/v1/authorizations?reference={orderId}"));
        return JsonNode.Parse(text)!["data"]!.AsArray();
    }

    /// <summary>Makes the development inbox refuse (SMTP 451, webhooks 503) or accept deliveries.</summary>
    public Task SetInboxRefusingAsync(bool refusing) => PutAsync("devinbox", "/admin/behaviour", new JsonObject { ["refusing"] = refusing });

    /// <summary>Waits for an email to <paramref name="to"/> whose subject contains <paramref name="subject"/>; returns it.</summary>
    public async Task<JsonNode> WaitForEmailAsync(string to, string subject, TimeSpan? timeout = null) =>
        await WaitForMessageAsync("email", to, m => ((string?)m["subject"] ?? "").Contains(subject, StringComparison.OrdinalIgnoreCase),
            timeout, $"an email to {to} about '{subject}'");

    /// <summary>The messages the inbox caught for <paramref name="to"/> on a channel, newest first.</summary>
    public async Task<JsonArray> InboxAsync(string channel, string to)
    {
        var text = await _plain.GetStringAsync(new Uri(_fixture.App.GetEndpoint("devinbox", "http"),
            $"/api/v1/messages?channel={channel}&to={Uri.EscapeDataString(to)}"));
        return JsonNode.Parse(text)!["data"]!.AsArray();
    }

    public async Task<JsonNode> WaitForMessageAsync(string channel, string to, Func<JsonNode, bool> match, TimeSpan? timeout, string what)
    {
        var inbox = await Poll.UntilAsync(() => InboxAsync(channel, to), messages => messages.Any(m => match(m!)), what + " in the inbox",
            timeout ?? TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        return inbox.First(m => match(m!))!;
    }

    /// <summary>Kills a service's process (Aspire's stop command) and waits until it is gone.</summary>
    public async Task StopServiceAsync(string name)
    {
        var commands = _fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(name, KnownResourceCommands.StopCommand);
        Assert.True(result.Success, $"stop {name}: {result.Message}");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _fixture.App.ResourceNotifications.WaitForResourceAsync(name, [KnownResourceStates.Exited, KnownResourceStates.Finished], cts.Token);
    }

    /// <summary>Starts a stopped service again and waits until it is healthy.</summary>
    public async Task StartServiceAsync(string name)
    {
        var commands = _fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(name, KnownResourceCommands.StartCommand);
        Assert.True(result.Success, $"start {name}: {result.Message}");
        using var cts = new CancellationTokenSource(AppHostFixture.StartTimeout);
        await _fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(name, cts.Token);
    }

    /// <summary>
    /// What must hold after every test, once the shop has settled:
    /// <list type="bullet">
    /// <item>every saga is over, completed or cancelled (none stuck, none failed);</item>
    /// <item>stock is conserved: for each tracked product, on hand (available + reserved) = before − sold by this test's
    /// confirmed orders, and nothing is left reserved;</item>
    /// <item>every captured payment belongs to a confirmed order, and the provider charged each tracked order exactly once
    /// if it was confirmed, never if it was cancelled (no authorization left holding money either).</item>
    /// </list>
    /// </summary>
    public async Task AssertInvariantsAsync()
    {
        // Sagas: every order in the shop, not only this test's.
        await Poll.UntilAsync(async () => (await AllPagesAsync("ordering", "/api/v1/admin/sagas?per_page=100"))
                .Where(o => !TerminalSagaStates.Contains((string?)o["saga_state"])).Select(o => $"{o["id"]} {o["saga_state"]}").ToList(),
            open => open.Count == 0, "every saga over (listed: those still open)", TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(500));

        var orders = new List<JsonNode>();
        foreach (var id in _orders)
        {
            orders.Add(await Admin.GetDataAsync("ordering", $"/api/v1/orders/{id}"));
        }

        foreach (var (product, before) in _stockBefore)
        {
            var sold = orders.Where(o => (string?)o["status"] == "confirmed")
                .SelectMany(o => o["items"]!.AsArray())
                .Where(i => (string?)i!["product_id"] == product)
                .Sum(i => (int)i!["quantity"]!);
            var after = await Admin.GetDataAsync("catalog", $"/api/v1/products/{product}/inventory");
            var onHandBefore = (int)before["available"]! + (int)before["reserved"]!;
            var onHandAfter = (int)after["available"]! + (int)after["reserved"]!;
            Assert.True(onHandAfter == onHandBefore - sold,
                $"{product}: on hand {onHandAfter}, expected {onHandBefore} - {sold} sold (before {before.ToJsonString()}, after {after.ToJsonString()})");
            Assert.True((int)after["reserved"]! == (int)before["reserved"]!, $"{product}: stock left reserved: {after.ToJsonString()}");
        }

        var captured = await AllPagesAsync("payment", "/api/v1/payments?status=captured&per_page=100");
        foreach (var payment in captured)
        {
            var order = await Admin.GetDataAsync("ordering", $"/api/v1/orders/{payment["order_id"]}");
            Assert.True((string?)order["status"] is "confirmed" or "shipped" or "delivered",
                $"Payment {payment["id"]} is captured but its order is {order["status"]}");
        }

        foreach (var order in orders)
        {
            var authorizations = await PspAuthorizationsAsync((string)order["id"]!);
            var charged = authorizations.Count(a => (string?)a!["status"] == "captured" && Money(a["amount_captured"]) > Money(a["amount_refunded"]));
            var holding = authorizations.Count(a => (string?)a!["status"] == "authorized");
            var confirmed = (string?)order["status"] == "confirmed";
            Assert.True(charged == (confirmed ? 1 : 0) && holding == 0,
                $"Order {order["id"]} is {order["status"]}; the provider has {authorizations.ToJsonString()}");
        }
    }

    private static decimal Money(JsonNode? amount) => decimal.Parse((string)amount!, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<List<JsonNode>> AllPagesAsync(string service, string path)
    {
        var items = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var (status, body, _) = await Admin.SendAsync(HttpMethod.Get, service, cursor is null ? path : $"{path}&cursor={Uri.EscapeDataString(cursor)}");
            Assert.True(status == HttpStatusCode.OK, $"GET {service}{path}: {(int)status} {body.ToJsonString()}");
            items.AddRange(body["data"]!.AsArray().Select(n => n!));
            cursor = (string?)body["pagination"]?["next_cursor"];
        }
        while (cursor is not null);

        return items;
    }

    private async Task PutAsync(string service, string path, JsonObject body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _plain.PutAsync(new Uri(_fixture.Endpoint(service), path), content);
        Assert.True(response.IsSuccessStatusCode, $"PUT {service}{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public void Dispose()
    {
        Admin.Dispose();
        _plain.Dispose();
    }
}
