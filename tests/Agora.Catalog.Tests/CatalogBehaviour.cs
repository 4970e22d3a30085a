using Agora.Contracts.Orders;
using Agora.Testing;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Catalog.Features.Stock;
using Agora.Catalog.Tests.Infrastructure;
using Agora.Contracts.Catalog.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Catalog.Tests;

/// <summary>Catalog's behaviour, run once per store: the same suite on SQLite and on PostgreSQL (provider parity).</summary>
public abstract partial class CatalogBehaviour(CatalogFixture fixture)
{
    protected HttpClient Client => fixture.Client;

    /// <summary>Reservations are service-only: a client-credentials token.</summary>
    protected HttpClient Service => fixture.Service;

    private async Task<string> FirstCategoryAsync() =>
        (string)(await (await Client.GetAsync("/api/v1/categories")).BodyAsync())["data"]![0]!["id"]!;

    private async Task<JsonNode> CreateProductAsync(int stock = 10, string? sku = null, long price = 50_000)
    {
        var response = await Client.PostAsync("/api/v1/products", Json.Of(new
        {
            sku = sku ?? "T-" + Guid.NewGuid().ToString("N")[..10],
            name = "Test Kettle " + Guid.NewGuid().ToString("N")[..6],
            description = "For tests",
            category_id = await FirstCategoryAsync(),
            price = new { amount = price.ToString(System.Globalization.CultureInfo.InvariantCulture), currency = "KRW" },
            status = "active",
            initial_stock = stock,
        }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.BodyAsync())["data"]!;
    }

    [Fact]
    public async Task Seed_EmptyDatabase_HasOver1000ProductsIn10PlusCategories()
    {
        var categories = (await (await Client.GetAsync("/api/v1/categories")).BodyAsync())["data"]!.AsArray();
        Assert.True(categories.Count >= 10);
        var page = await (await Client.GetAsync("/api/v1/products?per_page=1")).BodyAsync();
        Assert.True((long)page["pagination"]!["total"]! >= 1000);
    }

    [Fact]
    public async Task List_FollowingCursors_VisitsEveryProductOnceInOrder()
    {
        var category = await FirstCategoryAsync();
        var seen = new List<long>();
        var ids = new HashSet<string>();
        string? cursor = null;
        long total;
        do
        {
            var url = $"/api/v1/products?category={category}&sort=price&per_page=25" + (cursor is null ? "" : "&cursor=" + cursor);
            var body = await (await Client.GetAsync(url)).BodyAsync();
            total = (long)body["pagination"]!["total"]!;
            foreach (var p in body["data"]!.AsArray())
            {
                Assert.True(ids.Add((string)p!["id"]!), "a product appeared twice");
                seen.Add(long.Parse((string)p["price"]!["amount"]!, System.Globalization.CultureInfo.InvariantCulture));
            }

            cursor = (string?)body["pagination"]!["next_cursor"];
        }
        while (cursor is not null);

        Assert.Equal(total, ids.Count);
        Assert.Equal(seen.Order(), seen);
    }

    [Fact]
    public async Task List_InsertWhilePaging_NoDuplicatesNoSkips()
    {
        var first = await (await Client.GetAsync("/api/v1/products?sort=created_at&per_page=10")).BodyAsync();
        var firstIds = first["data"]!.AsArray().Select(p => (string)p!["id"]!).ToList();
        await CreateProductAsync(); // newest: sorts after everything, must not shift the next page
        var second = await (await Client.GetAsync("/api/v1/products?sort=created_at&per_page=10&cursor=" + first["pagination"]!["next_cursor"])).BodyAsync();
        var secondIds = second["data"]!.AsArray().Select(p => (string)p!["id"]!).ToList();
        var both = await (await Client.GetAsync("/api/v1/products?sort=created_at&per_page=20")).BodyAsync();
        Assert.Equal(both["data"]!.AsArray().Select(p => (string)p!["id"]!), firstIds.Concat(secondIds));
    }

    [Fact]
    public async Task List_Filters_ApplyTogether()
    {
        var category = await FirstCategoryAsync();
        var body = await (await Client.GetAsync($"/api/v1/products?category={category}&min_price=20000&max_price=300000&status=active&per_page=100")).BodyAsync();
        var items = body["data"]!.AsArray();
        Assert.NotEmpty(items);
        Assert.All(items, p =>
        {
            Assert.Equal(category, (string?)p!["category_id"]);
            Assert.Equal("active", (string?)p["status"]);
            var amount = decimal.Parse((string)p["price"]!["amount"]!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(amount, 20000m, 300000m);
        });
    }

    [Fact]
    public async Task List_Q_MatchesNameCaseInsensitively()
    {
        var body = await (await Client.GetAsync("/api/v1/products?q=kETTLe&per_page=100")).BodyAsync();
        var items = body["data"]!.AsArray();
        Assert.NotEmpty(items);
        Assert.All(items, p => Assert.Contains("kettle", ((string)p!["name"]!).ToLowerInvariant()));
    }

    [Fact]
    public async Task List_CachedPage_ShowsCreateUpdateAndDeleteAtOnce()
    {
        // A price band no seeded or other test product falls in; each read may come from the list cache.
        var url = $"/api/v1/products?category={await FirstCategoryAsync()}&min_price=1&max_price=999&per_page=100";
        async Task<List<string>> IdsAsync() =>
            (await (await Client.GetAsync(url)).BodyAsync())["data"]!.AsArray().Select(p => (string)p!["id"]!).ToList();

        Assert.Empty(await IdsAsync());
        Assert.Empty(await IdsAsync());
        var id = (string)(await CreateProductAsync(price: 500))["id"]!;
        Assert.Equal([id], await IdsAsync());
        var patched = await Client.PatchAsync($"/api/v1/products/{id}", Json.Raw("""{"price": {"amount": "1500"}}""", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Empty(await IdsAsync());
        await Client.PatchAsync($"/api/v1/products/{id}", Json.Raw("""{"price": {"amount": "600"}}""", "application/merge-patch+json"));
        Assert.Equal([id], await IdsAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/v1/products/{id}")).StatusCode);
        Assert.Empty(await IdsAsync());
    }

    [Theory]
    [InlineData("per_page=0", "per_page")]
    [InlineData("per_page=101", "per_page")]
    [InlineData("sort=colour", "sort")]
    [InlineData("status=sold", "status")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("min_price=10&max_price=5", "max_price")]
    public async Task List_BadParameters_Are422(string query, string field)
    {
        var error = await (await Client.GetAsync("/api/v1/products?" + query)).AssertErrorAsync(422, "VALIDATION_ERROR");
        Assert.Contains(field, error["details"]!.AsArray().Select(d => (string?)d!["field"]));
    }

    [Fact]
    public async Task Create_Valid_Is201WithLocationAndReadable()
    {
        var response = await Client.PostAsync("/api/v1/products", Json.Of(new
        {
            sku = "NEW-" + Guid.NewGuid().ToString("N")[..8],
            name = "Brand New Teapot",
            category_id = await FirstCategoryAsync(),
            price = new { amount = "32000", currency = "KRW" },
            status = "active",
        }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/api/v1/products/prd_", location);
        var get = await (await Client.GetAsync(location)).BodyAsync();
        Assert.Equal("Brand New Teapot", (string?)get["data"]!["name"]);
        Assert.Equal("32000", (string?)get["data"]!["price"]!["amount"]);
    }

    [Fact]
    public async Task Create_DuplicateSku_Is409()
    {
        var p = await CreateProductAsync();
        var again = await Client.PostAsync("/api/v1/products", Json.Of(new
        {
            sku = (string)p["sku"]!, name = "Copy", category_id = (string)p["category_id"]!,
            price = new { amount = "1000", currency = "KRW" }, status = "active",
        }));
        await again.AssertErrorAsync(409, "SKU_TAKEN");
    }

    [Fact]
    public async Task Create_FloatAmountOrForeignCurrency_Is422()
    {
        var category = await FirstCategoryAsync();
        var fractional = await Client.PostAsync("/api/v1/products", Json.Of(new
        {
            sku = "F-1", name = "x", category_id = category, price = new { amount = "10.5", currency = "KRW" }, status = "active",
        }));
        await fractional.AssertErrorAsync(422, "VALIDATION_ERROR");
        var usd = await Client.PostAsync("/api/v1/products", Json.Of(new
        {
            sku = "F-2", name = "x", category_id = category, price = new { amount = "10.50", currency = "USD" }, status = "active",
        }));
        await usd.AssertErrorAsync(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Get_IfNoneMatchCurrent_Is304()
    {
        var p = await CreateProductAsync();
        var first = await Client.GetAsync($"/api/v1/products/{p["id"]}");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/products/{p["id"]}");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Put_StaleIfMatch_Is412AndChangesNothing()
    {
        var p = await CreateProductAsync();
        var id = (string)p["id"]!;
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/products/{id}")
        {
            Content = Json.Of(new { sku = (string)p["sku"]!, name = "Renamed", category_id = (string)p["category_id"]!, price = new { amount = "1000", currency = "KRW" }, status = "active" }),
        };
        put.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"999\""));
        await (await Client.SendAsync(put)).AssertErrorAsync(412, "PRECONDITION_FAILED");
        var now = await (await Client.GetAsync($"/api/v1/products/{id}")).BodyAsync();
        Assert.Equal((string?)p["name"], (string?)now["data"]!["name"]);
    }

    [Fact]
    public async Task Put_CurrentIfMatch_ReplacesAndBumpsETag()
    {
        var p = await CreateProductAsync();
        var id = (string)p["id"]!;
        var etag = (await Client.GetAsync($"/api/v1/products/{id}")).Headers.ETag!;
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/products/{id}")
        {
            Content = Json.Of(new { sku = (string)p["sku"]!, name = "Replaced", category_id = (string)p["category_id"]!, price = new { amount = "77000", currency = "KRW" }, status = "draft" }),
        };
        put.Headers.IfMatch.Add(etag);
        var response = await Client.SendAsync(put);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(etag, response.Headers.ETag);
        var now = await (await Client.GetAsync($"/api/v1/products/{id}")).BodyAsync();
        Assert.Equal("Replaced", (string?)now["data"]!["name"]);
        Assert.Equal("draft", (string?)now["data"]!["status"]);
        Assert.Equal("77000", (string?)now["data"]!["price"]!["amount"]);
    }

    [Fact]
    public async Task Patch_MergePatch_ChangesOnlyGivenFields_AndCacheSeesIt()
    {
        var p = await CreateProductAsync(price: 50_000);
        var id = (string)p["id"]!;
        await Client.GetAsync($"/api/v1/products/{id}"); // warm the cache
        var response = await Client.PatchAsync($"/api/v1/products/{id}", Json.Raw("""{"price": {"amount": "45000"}}""", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var now = await (await Client.GetAsync($"/api/v1/products/{id}")).BodyAsync();
        Assert.Equal("45000", (string?)now["data"]!["price"]!["amount"]);
        Assert.Equal("KRW", (string?)now["data"]!["price"]!["currency"]);
        Assert.Equal((string?)p["name"], (string?)now["data"]!["name"]);
    }

    [Fact]
    public async Task Patch_NullRequiredOrReadOnlyField_Is422()
    {
        var p = await CreateProductAsync();
        var nullName = await Client.PatchAsync($"/api/v1/products/{p["id"]}", Json.Raw("""{"name": null}""", "application/merge-patch+json"));
        await nullName.AssertErrorAsync(422, "VALIDATION_ERROR");
        var readOnly = await Client.PatchAsync($"/api/v1/products/{p["id"]}", Json.Raw("""{"id": "prd_other"}""", "application/merge-patch+json"));
        await readOnly.AssertErrorAsync(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Delete_Existing_Is204ThenGone()
    {
        var p = await CreateProductAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/v1/products/{p["id"]}")).StatusCode);
        await (await Client.GetAsync($"/api/v1/products/{p["id"]}")).AssertErrorAsync(404, "PRODUCT_NOT_FOUND");
        await (await Client.DeleteAsync($"/api/v1/products/{p["id"]}")).AssertErrorAsync(404, "PRODUCT_NOT_FOUND");
    }

    [Fact]
    public async Task CategoryProducts_OnlyThatCategory_UnknownIs404()
    {
        var category = await FirstCategoryAsync();
        var body = await (await Client.GetAsync($"/api/v1/categories/{category}/products?per_page=50")).BodyAsync();
        Assert.All(body["data"]!.AsArray(), p => Assert.Equal(category, (string?)p!["category_id"]));
        await (await Client.GetAsync("/api/v1/categories/cat_nope/products")).AssertErrorAsync(404, "CATEGORY_NOT_FOUND");
    }

    [Fact]
    public async Task Reserve_100ParallelAgainstStock10_Exactly10Succeed()
    {
        var p = await CreateProductAsync(stock: 10);
        var id = (string)p["id"]!;
        var tasks = Enumerable.Range(0, 100).Select(_ => Service.PostAsync("/api/v1/reservations",
            Json.Of(new { lines = new[] { new { product_id = id, quantity = 1 } } })));
        var responses = await Task.WhenAll(tasks);
        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(90, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var inventory = await (await Client.GetAsync($"/api/v1/products/{id}/inventory")).BodyAsync();
        Assert.Equal(0, (int)inventory["data"]!["available"]!);
        Assert.Equal(10, (int)inventory["data"]!["reserved"]!);
    }

    private async Task<T> HandleAsync<T>(Func<StockLedger, TimeProvider, Microsoft.Extensions.Logging.ILogger<StockLedger>, Task<T>> handle)
    {
        using var scope = fixture.App.Services.CreateScope();
        var services = scope.ServiceProvider;
        return await handle(services.GetRequiredService<StockLedger>(), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<StockLedger>>());
    }

    private async Task<(int Available, int Reserved)> InventoryAsync(string productId)
    {
        var data = (await (await Client.GetAsync($"/api/v1/products/{productId}/inventory")).BodyAsync())["data"]!;
        return ((int)data["available"]!, (int)data["reserved"]!);
    }

    [Fact]
    public async Task OrderStock_ReserveTwiceThenCommit_HoldsOnceAnswersTheSame_AndSells()
    {
        var id = (string)(await CreateProductAsync(stock: 5))["id"]!;
        var order = "ord_" + Guid.NewGuid().ToString("N");
        var reserve = new ReserveStockForOrder(Guid.NewGuid(), DateTimeOffset.UtcNow, order, [new ItemQuantity(id, 2)], TimeSpan.FromHours(1));
        Assert.IsType<StockReservedForOrder>(await HandleAsync((l, c, g) => OrderStockHandler.Handle(reserve, l, c, g, default)));
        Assert.IsType<StockReservedForOrder>(await HandleAsync((l, c, g) => OrderStockHandler.Handle(reserve with { CommandId = Guid.NewGuid() }, l, c, g, default)));
        Assert.Equal((3, 2), await InventoryAsync(id));

        var commit = new CommitStockForOrder(Guid.NewGuid(), DateTimeOffset.UtcNow, order);
        Assert.NotNull(await HandleAsync((l, c, g) => OrderStockHandler.Handle(commit, l, c, g, default)));
        Assert.NotNull(await HandleAsync((l, c, g) => OrderStockHandler.Handle(commit, l, c, g, default)));
        Assert.Equal((3, 0), await InventoryAsync(id));
    }

    [Fact]
    public async Task OrderStock_NotEnough_RejectsNamingTheProduct_AndReservesNothing()
    {
        var plenty = (string)(await CreateProductAsync(stock: 5))["id"]!;
        var scarce = (string)(await CreateProductAsync(stock: 1))["id"]!;
        var reserve = new ReserveStockForOrder(Guid.NewGuid(), DateTimeOffset.UtcNow, "ord_" + Guid.NewGuid().ToString("N"),
            [new ItemQuantity(plenty, 1), new ItemQuantity(scarce, 2)], TimeSpan.FromHours(1));
        var answer = Assert.IsType<StockReservationRejected>(await HandleAsync((l, c, g) => OrderStockHandler.Handle(reserve, l, c, g, default)));
        Assert.Equal([scarce], answer.Problems);
        Assert.Equal((5, 0), await InventoryAsync(plenty));
        Assert.Equal((1, 0), await InventoryAsync(scarce));
    }

    [Fact]
    public async Task OrderStock_ReleaseOvertakesReserve_TheLateReserveIsRefused_AndStockStaysFree()
    {
        var id = (string)(await CreateProductAsync(stock: 4))["id"]!;
        var order = "ord_" + Guid.NewGuid().ToString("N");
        var release = new ReleaseStockForOrder(Guid.NewGuid(), DateTimeOffset.UtcNow, order, "saga timed out");
        Assert.Equal(order, (await HandleAsync((l, c, _) => OrderStockHandler.Handle(release, l, c, default))).OrderId);
        var late = new ReserveStockForOrder(Guid.NewGuid(), DateTimeOffset.UtcNow, order, [new ItemQuantity(id, 3)], TimeSpan.FromHours(1));
        Assert.IsType<StockReservationRejected>(await HandleAsync((l, c, g) => OrderStockHandler.Handle(late, l, c, g, default)));
        Assert.Equal((4, 0), await InventoryAsync(id));

        // A normal release after a reserve returns the units, and is itself idempotent.
        var other = "ord_" + Guid.NewGuid().ToString("N");
        await HandleAsync((l, c, g) => OrderStockHandler.Handle(late with { OrderId = other }, l, c, g, default));
        Assert.Equal((1, 3), await InventoryAsync(id));
        await HandleAsync((l, c, _) => OrderStockHandler.Handle(release with { OrderId = other }, l, c, default));
        await HandleAsync((l, c, _) => OrderStockHandler.Handle(release with { OrderId = other }, l, c, default));
        Assert.Equal((4, 0), await InventoryAsync(id));
    }

    [Fact]
    public async Task Reserve_MultipleLines_AllOrNothing()
    {
        var plenty = await CreateProductAsync(stock: 10);
        var scarce = await CreateProductAsync(stock: 1);
        var response = await Service.PostAsync("/api/v1/reservations", Json.Of(new
        {
            lines = new[] { new { product_id = (string)plenty["id"]!, quantity = 3 }, new { product_id = (string)scarce["id"]!, quantity = 2 } },
        }));
        await response.AssertErrorAsync(409, "INSUFFICIENT_STOCK");
        var inventory = await (await Client.GetAsync($"/api/v1/products/{plenty["id"]}/inventory")).BodyAsync();
        Assert.Equal(10, (int)inventory["data"]!["available"]!);
    }

    [Fact]
    public async Task Reserve_SameIdTwice_IsIdempotent()
    {
        var p = await CreateProductAsync(stock: 5);
        var body = new { id = "order-" + Guid.NewGuid().ToString("N"), lines = new[] { new { product_id = (string)p["id"]!, quantity = 2 } } };
        Assert.Equal(HttpStatusCode.Created, (await Service.PostAsync("/api/v1/reservations", Json.Of(body))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Service.PostAsync("/api/v1/reservations", Json.Of(body))).StatusCode);
        var inventory = await (await Client.GetAsync($"/api/v1/products/{p["id"]}/inventory")).BodyAsync();
        Assert.Equal(3, (int)inventory["data"]!["available"]!);
    }

    [Fact]
    public async Task Release_ThenCommit_StockReturnsOnceAndCommitRefused()
    {
        var p = await CreateProductAsync(stock: 5);
        var created = await (await Service.PostAsync("/api/v1/reservations", Json.Of(new { lines = new[] { new { product_id = (string)p["id"]!, quantity = 4 } } }))).BodyAsync();
        var rid = (string)created["data"]!["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await Service.PostAsync($"/api/v1/reservations/{rid}/release", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Service.PostAsync($"/api/v1/reservations/{rid}/release", null)).StatusCode);
        await (await Service.PostAsync($"/api/v1/reservations/{rid}/commit", null)).AssertErrorAsync(409, "RESERVATION_SETTLED");
        var inventory = await (await Client.GetAsync($"/api/v1/products/{p["id"]}/inventory")).BodyAsync();
        Assert.Equal(5, (int)inventory["data"]!["available"]!);
        Assert.Equal(0, (int)inventory["data"]!["reserved"]!);
    }

    [Fact]
    public async Task Commit_ThenRelease_SoldStockStaysSold()
    {
        var p = await CreateProductAsync(stock: 5);
        var created = await (await Service.PostAsync("/api/v1/reservations", Json.Of(new { lines = new[] { new { product_id = (string)p["id"]!, quantity = 2 } } }))).BodyAsync();
        var rid = (string)created["data"]!["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await Service.PostAsync($"/api/v1/reservations/{rid}/commit", null)).StatusCode);
        await (await Service.PostAsync($"/api/v1/reservations/{rid}/release", null)).AssertErrorAsync(409, "RESERVATION_SETTLED");
        var inventory = await (await Client.GetAsync($"/api/v1/products/{p["id"]}/inventory")).BodyAsync();
        Assert.Equal(3, (int)inventory["data"]!["available"]!);
        Assert.Equal(0, (int)inventory["data"]!["reserved"]!);
    }

    [Fact]
    public async Task Reservation_Expired_ReturnsItsStock()
    {
        var p = await CreateProductAsync(stock: 5);
        var created = await (await Service.PostAsync("/api/v1/reservations", Json.Of(new { ttl_seconds = 1, lines = new[] { new { product_id = (string)p["id"]!, quantity = 5 } } }))).BodyAsync();
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        var swept = await fixture.App.Services.GetRequiredService<ReservationExpiryService>().SweepOnceAsync(CancellationToken.None);
        Assert.True(swept >= 1);
        var inventory = await (await Client.GetAsync($"/api/v1/products/{p["id"]}/inventory")).BodyAsync();
        Assert.Equal(5, (int)inventory["data"]!["available"]!);
        var reservation = await (await Client.GetAsync($"/api/v1/reservations/{created["data"]!["id"]}")).BodyAsync();
        Assert.Equal("expired", (string?)reservation["data"]!["status"]);
        await (await Service.PostAsync($"/api/v1/reservations/{created["data"]!["id"]}/commit", null)).AssertErrorAsync(409, "RESERVATION_EXPIRED");
    }

    [Fact]
    public async Task Reserve_IdLongerThanStored_Is422NotServerError()
    {
        var p = await CreateProductAsync(stock: 5);
        var response = await Service.PostAsync("/api/v1/reservations", Json.Of(new
        {
            id = new string('r', 101), lines = new[] { new { product_id = (string)p["id"]!, quantity = 1 } },
        }));
        var error = await response.AssertErrorAsync(422, "VALIDATION_ERROR");
        Assert.Contains("id", error["details"]!.AsArray().Select(d => (string?)d!["field"]));
        var grpc = await Assert.ThrowsAsync<RpcException>(() => Grpc().ReserveStockAsync(new ReserveStockRequest
        {
            ReservationId = new string('r', 101), Lines = { new ReservationLine { ProductId = (string)p["id"]!, Quantity = 1 } },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, grpc.StatusCode);
    }

    [Fact]
    public async Task List_CursorAfterLongNonAsciiName_StillWorks()
    {
        var name = "힣" + new string('가', 199);
        var response = await Client.PostAsync("/api/v1/products", Json.Of(new
        {
            sku = "KO-" + Guid.NewGuid().ToString("N")[..8], name, category_id = await FirstCategoryAsync(),
            price = new { amount = "1000", currency = "KRW" }, status = "active",
        }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var first = await (await Client.GetAsync("/api/v1/products?sort=-name&per_page=1")).BodyAsync();
        Assert.Equal(name, (string?)first["data"]![0]!["name"]);
        var next = await Client.GetAsync("/api/v1/products?sort=-name&per_page=1&cursor=" + first["pagination"]!["next_cursor"]);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Patch_ManyUnknownFields_DetailsAreCappedAndTruncated()
    {
        var p = await CreateProductAsync();
        var fields = string.Join(",", Enumerable.Range(0, 500).Select(i => $"\"{new string('f', 100)}{i}\": 1"));
        var response = await Client.PatchAsync($"/api/v1/products/{p["id"]}", Json.Raw("{" + fields + "}", "application/merge-patch+json"));
        var error = await response.AssertErrorAsync(422, "VALIDATION_ERROR");
        var details = error["details"]!.AsArray();
        Assert.InRange(details.Count, 1, 100);
        Assert.All(details, d => Assert.True(((string)d!["field"]!).Length <= 65));
    }

    private CatalogService.CatalogServiceClient Grpc() =>
        new(GrpcChannel.ForAddress(fixture.App.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = fixture.App.CreateServiceHandler() }));

    [Fact]
    public async Task Grpc_GetProducts_ReturnsFoundAndMissing()
    {
        var p = await CreateProductAsync(stock: 7);
        var response = await Grpc().GetProductsAsync(new GetProductsRequest { ProductIds = { (string)p["id"]!, "prd_missing" } });
        Assert.Single(response.Products);
        Assert.Equal(7, response.Products[0].Available);
        Assert.Equal("50000", response.Products[0].Price.Amount);
        Assert.Equal(["prd_missing"], response.MissingIds);
        var ex = await Assert.ThrowsAsync<RpcException>(() => Grpc().GetProductAsync(new GetProductRequest { ProductId = "prd_missing" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Grpc_ReserveCommitRelease_FollowStockRules()
    {
        var p = await CreateProductAsync(stock: 3);
        var client = Grpc();
        var rid = "ord_" + Guid.NewGuid().ToString("N");
        var reserved = await client.ReserveStockAsync(new ReserveStockRequest { ReservationId = rid, Lines = { new ReservationLine { ProductId = (string)p["id"]!, Quantity = 3 } } });
        Assert.Equal("active", reserved.Status);
        var again = await client.ReserveStockAsync(new ReserveStockRequest { ReservationId = rid, Lines = { new ReservationLine { ProductId = (string)p["id"]!, Quantity = 3 } } });
        Assert.Equal(reserved.ExpiresAt, again.ExpiresAt);
        var none = await Assert.ThrowsAsync<RpcException>(() => client.ReserveStockAsync(new ReserveStockRequest { ReservationId = rid + "b", Lines = { new ReservationLine { ProductId = (string)p["id"]!, Quantity = 1 } } }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, none.StatusCode);
        Assert.Equal("committed", (await client.CommitStockAsync(new CommitStockRequest { ReservationId = rid })).Status);
        Assert.Equal("committed", (await client.CommitStockAsync(new CommitStockRequest { ReservationId = rid })).Status);
    }

    [Fact]
    public async Task Grpc_StreamProducts_StreamsWholeCategory()
    {
        var category = await FirstCategoryAsync();
        var total = (long)(await (await Client.GetAsync($"/api/v1/products?category={category}&per_page=1")).BodyAsync())["pagination"]!["total"]!;
        var call = Grpc().StreamProducts(new StreamProductsRequest { CategoryId = category });
        var count = 0;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            Assert.Equal(category, call.ResponseStream.Current.CategoryId);
            count++;
        }

        Assert.Equal(total, count);
    }
}

public sealed class EmbeddedCatalogTests(EmbeddedCatalogFixture fixture)
    : CatalogBehaviour(fixture), IClassFixture<EmbeddedCatalogFixture>;

public sealed class DistributedCatalogTests(DistributedCatalogFixture fixture)
    : CatalogBehaviour(fixture), IClassFixture<DistributedCatalogFixture>
{
    [Fact]
    public async Task Get_Distributed_ProductIsCachedInRedisAndDroppedOnChange()
    {
        var id = (string)(await (await fixture.Client.GetAsync("/api/v1/products?per_page=1")).BodyAsync())["data"]![0]!["id"]!;
        await fixture.Client.GetAsync($"/api/v1/products/{id}");
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var key = $"agora:catalog:product:2:{id}";
        // HybridCache writes L2 in the background after answering.
        await Poll.UntilAsync(() => redis.GetDatabase().KeyExistsAsync(key), "the product in the Redis L2");
        var patch = await fixture.Client.PatchAsync($"/api/v1/products/{id}", Json.Raw("""{"description": "changed"}""", "application/merge-patch+json"));
        patch.EnsureSuccessStatusCode();
        Assert.False(await redis.GetDatabase().KeyExistsAsync(key), "stale product left in the Redis L2");
    }
}
