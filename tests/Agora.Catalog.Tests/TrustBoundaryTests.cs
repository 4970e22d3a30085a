using System.Net;
using System.Net.Http.Headers;
using Agora.Catalog.Tests.Infrastructure;
using Agora.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using Agora.Contracts.Catalog.V1;

namespace Agora.Catalog.Tests;

/// <summary>
/// The attacks on Catalog's trust boundaries, each as the attacker would try it: a customer who minted a staff scope,
/// a token that carries the admin role but no staff scope, a user's token on the service-only stock operations, and
/// anonymous reads of products that are not for sale yet.
/// </summary>
public sealed class TrustBoundaryTests(TrustBoundaryTests.Fixture fixture) : IClassFixture<TrustBoundaryTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public CatalogApp App { get; } = new(AgoraMode.Embedded);
        public HttpClient Anonymous { get; private set; } = null!;
        public string CategoryId { get; private set; } = "";

        public async Task InitializeAsync()
        {
            await App.InitializeAsync();
            Anonymous = App.CreateClient();
            CategoryId = (string)(await (await Anonymous.GetAsync("/api/v1/categories")).BodyAsync())["data"]![0]!["id"]!;
        }

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    private const string Customer = "usr_customer_attacker";

    private TestIdentity Identity => fixture.App.Identity;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? token, object? body = null, string mediaType = "application/json")
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = Json.Of(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await fixture.Anonymous.SendAsync(request);
    }

    private async Task<string> NewProductAsync(string status = "active")
    {
        var response = await SendAsync(HttpMethod.Post, "/api/v1/products", Identity.StaffToken("write:catalog"), new
        {
            sku = "TB-" + Guid.NewGuid().ToString("N")[..10],
            name = "Trust Boundary Kettle " + status,
            category_id = fixture.CategoryId,
            price = new { amount = "50000", currency = "KRW" },
            status,
            initial_stock = 20,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.BodyAsync())["data"]!["id"]!;
    }

    private Task<HttpResponseMessage> PatchPriceAsync(string id, string token) =>
        SendAsync(HttpMethod.Patch, $"/api/v1/products/{id}", token, new { price = new { amount = "1", currency = "KRW" } }, "application/merge-patch+json");

    private async Task AssertPriceAsync(string id, string amount)
    {
        var product = await (await SendAsync(HttpMethod.Get, $"/api/v1/products/{id}", Identity.AdminToken())).BodyAsync();
        Assert.Equal(amount, (string?)product["data"]!["price"]!["amount"]);
    }

    private CatalogService.CatalogServiceClient Grpc(string? token)
    {
        HttpMessageHandler handler = fixture.App.Server.CreateHandler();
        if (token is not null)
        {
            handler = new BearerTokenHandler(() => token) { InnerHandler = handler };
        }

        return new(GrpcChannel.ForAddress(fixture.App.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = handler }));
    }

    // ---- A customer who minted staff scopes (item 1) -------------------------------------------------------------

    [Fact]
    public async Task Customer_with_minted_write_catalog_cannot_patch_a_price_403()
    {
        var id = await NewProductAsync();
        var response = await PatchPriceAsync(id, Identity.CustomerToken(Customer, "openid write:catalog"));
        await response.AssertErrorAsync(403, "FORBIDDEN");
        await AssertPriceAsync(id, "50000");
    }

    [Fact]
    public async Task Customer_with_minted_inventory_scopes_cannot_set_stock_or_reserve_403()
    {
        var id = await NewProductAsync();
        var token = Identity.CustomerToken(Customer, "openid write:catalog write:inventory");
        await (await SendAsync(HttpMethod.Put, $"/api/v1/products/{id}/inventory", token, new { available = 0 })).AssertErrorAsync(403, "FORBIDDEN");
        await (await SendAsync(HttpMethod.Post, "/api/v1/reservations", token,
            new { ttl_seconds = 3600, lines = new[] { new { product_id = id, quantity = 20 } } })).AssertErrorAsync(403, "FORBIDDEN");

        var stock = await (await SendAsync(HttpMethod.Get, $"/api/v1/products/{id}/inventory", null)).BodyAsync();
        Assert.Equal(20, (int)stock["data"]!["available"]!);
    }

    [Fact]
    public async Task Customer_cannot_release_or_commit_someone_elses_reservation_403()
    {
        var id = await NewProductAsync();
        var created = await SendAsync(HttpMethod.Post, "/api/v1/reservations", Identity.ServiceToken("write:inventory", "agora-ordering"),
            new { lines = new[] { new { product_id = id, quantity = 2 } } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rid = (string)(await created.BodyAsync())["data"]!["id"]!;

        var token = Identity.CustomerToken(Customer, "write:inventory write:catalog");
        await (await SendAsync(HttpMethod.Post, $"/api/v1/reservations/{rid}/release", token)).AssertErrorAsync(403, "FORBIDDEN");
        await (await SendAsync(HttpMethod.Post, $"/api/v1/reservations/{rid}/commit", token)).AssertErrorAsync(403, "FORBIDDEN");
        var reservation = await (await SendAsync(HttpMethod.Get, $"/api/v1/reservations/{rid}", null)).BodyAsync();
        Assert.Equal("active", (string?)reservation["data"]!["status"]);
    }

    // ---- The admin role alone is not staff (item 2) --------------------------------------------------------------

    [Fact]
    public async Task Admin_role_without_a_staff_scope_cannot_patch_a_price_403()
    {
        var id = await NewProductAsync();

        // What a third-party client an admin consented to for "read:orders profile" received.
        var partner = Identity.Token().Subject("usr_admin").Claim("client_id", "agora-partner").Roles("admin").Scope("read:orders profile").Build();
        await (await PatchPriceAsync(id, partner)).AssertErrorAsync(403, "FORBIDDEN");
        await AssertPriceAsync(id, "50000");
    }

    [Fact]
    public async Task Staff_with_role_and_write_catalog_can_patch_and_a_service_client_can_too()
    {
        var id = await NewProductAsync();
        Assert.Equal(HttpStatusCode.OK, (await PatchPriceAsync(id, Identity.StaffToken("write:catalog"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Patch, $"/api/v1/products/{id}", Identity.ServiceToken("write:catalog", "agora-scripts"),
            new { price = new { amount = "48000", currency = "KRW" } }, "application/merge-patch+json")).StatusCode);
        await AssertPriceAsync(id, "48000");
    }

    // ---- Service-only stock operations (item 3) ------------------------------------------------------------------

    [Fact]
    public async Task User_token_with_write_inventory_cannot_call_reservation_RPCs_PermissionDenied()
    {
        var id = await NewProductAsync();
        foreach (var token in new[]
                 {
                     Identity.CustomerToken(Customer, "write:inventory write:catalog"),
                     Identity.StaffToken(TestIdentity.AllStaffScopes), // staff are people: stock moves for orders are the saga's
                 })
        {
            var client = Grpc(token);
            var reserve = await Assert.ThrowsAsync<RpcException>(() => client.ReserveStockAsync(new ReserveStockRequest
            {
                ReservationId = "ord_" + Guid.NewGuid().ToString("N"),
                TtlSeconds = 3600,
                Lines = { new ReservationLine { ProductId = id, Quantity = 20 } },
            }).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, reserve.StatusCode);
            Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() =>
                client.ReleaseStockAsync(new ReleaseStockRequest { ReservationId = "ord_x" }).ResponseAsync)).StatusCode);
            Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() =>
                client.CommitStockAsync(new CommitStockRequest { ReservationId = "ord_x" }).ResponseAsync)).StatusCode);
        }

        // Ordering's client-credentials token does reach the stock rules.
        var ordering = Grpc(Identity.ServiceToken("write:inventory", "agora-ordering"));
        var reserved = await ordering.ReserveStockAsync(new ReserveStockRequest
        {
            ReservationId = "ord_" + Guid.NewGuid().ToString("N"),
            Lines = { new ReservationLine { ProductId = id, Quantity = 1 } },
        });
        Assert.Equal("active", reserved.Status);
    }

    // ---- Drafts are staff's (item 8) -----------------------------------------------------------------------------

    [Theory]
    [InlineData("/api/v1/products/{0}")]
    [InlineData("/api/v2/products/{0}")]
    public async Task Anonymous_cannot_read_a_draft_product_by_id_404(string path)
    {
        var draft = await NewProductAsync("draft");
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, path, draft);
        await (await SendAsync(HttpMethod.Get, url, null)).AssertErrorAsync(404, "PRODUCT_NOT_FOUND");
        await (await SendAsync(HttpMethod.Get, url, Identity.CustomerToken(Customer, "openid read:catalog write:catalog"))).AssertErrorAsync(404, "PRODUCT_NOT_FOUND");
        await (await SendAsync(HttpMethod.Get, url, Identity.Token().Roles("admin").Scope("read:orders").Build())).AssertErrorAsync(404, "PRODUCT_NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, url, Identity.StaffToken("write:catalog"))).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/products?per_page=100&q={0}")]
    [InlineData("/api/v1/products?per_page=100&status=draft&q={0}")]
    [InlineData("/api/v2/products?per_page=100&q={0}")]
    [InlineData("/api/v2/products?per_page=100&status=discontinued&q={0}")]
    [InlineData("/api/v1/categories/{1}/products?per_page=100&status=draft&q={0}")]
    public async Task Anonymous_lists_show_active_products_only(string path)
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var active = await CreateNamedAsync(marker, "active");
        var draft = await CreateNamedAsync(marker, "draft");
        var discontinued = await CreateNamedAsync(marker, "discontinued");
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, path, marker, fixture.CategoryId);

        var ids = await IdsAsync(url, null);
        Assert.DoesNotContain(draft, ids);
        Assert.DoesNotContain(discontinued, ids);
        if (!path.Contains("status=", StringComparison.Ordinal))
        {
            Assert.Equal([active], ids);
        }

        // Staff see what they asked for.
        var staff = await IdsAsync(url, Identity.StaffToken("write:catalog"));
        Assert.Contains(path.Contains("status=draft", StringComparison.Ordinal) ? draft
            : path.Contains("status=discontinued", StringComparison.Ordinal) ? discontinued : draft, staff);
    }

    private async Task<string> CreateNamedAsync(string marker, string status)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/v1/products", Identity.StaffToken("write:catalog"), new
        {
            sku = "TB-" + Guid.NewGuid().ToString("N")[..10],
            name = $"Listed {marker} {status}",
            category_id = fixture.CategoryId,
            price = new { amount = "1000", currency = "KRW" },
            status,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.BodyAsync())["data"]!["id"]!;
    }

    private async Task<List<string>> IdsAsync(string url, string? token)
    {
        var response = await SendAsync(HttpMethod.Get, url, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.BodyAsync())["data"]!.AsArray().Select(p => (string)p!["id"]!).ToList();
    }

    [Fact]
    public async Task Anonymous_cannot_read_a_draft_product_over_gRPC()
    {
        var draft = await NewProductAsync("draft");
        var active = await NewProductAsync();
        var anonymous = Grpc(null);

        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() =>
            anonymous.GetProductAsync(new GetProductRequest { ProductId = draft }).ResponseAsync)).StatusCode);
        var batch = await anonymous.GetProductsAsync(new GetProductsRequest { ProductIds = { draft, active } });
        Assert.Equal([active], batch.Products.Select(p => p.Id));
        Assert.Equal([draft], batch.MissingIds);

        var streamed = new List<string>();
        using (var call = anonymous.StreamProducts(new StreamProductsRequest { CategoryId = fixture.CategoryId }))
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                streamed.Add(call.ResponseStream.Current.Id);
            }
        }

        Assert.Contains(active, streamed);
        Assert.DoesNotContain(draft, streamed);

        // A customer's token changes nothing; staff and a catalogue-writing service see the draft.
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() =>
            Grpc(Identity.CustomerToken(Customer, "write:catalog")).GetProductAsync(new GetProductRequest { ProductId = draft }).ResponseAsync)).StatusCode);
        Assert.Equal("draft", (await Grpc(Identity.StaffToken("write:catalog")).GetProductAsync(new GetProductRequest { ProductId = draft })).Product.Status);
        Assert.Equal("draft", (await Grpc(Identity.ServiceToken("write:catalog")).GetProductAsync(new GetProductRequest { ProductId = draft })).Product.Status);
    }
}
