extern alias identity;
extern alias catalog;
extern alias ordering;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Agora.Contracts.Catalog.V1;
using IdentityProgram = identity::Program;
using CatalogProgram = catalog::Program;
using OrderingProgram = ordering::Program;

namespace Agora.GraphQL.Tests.Infrastructure;

/// <summary>A customer made for the tests: registered, signed in through the real code flow, with orders placed.</summary>
public sealed record Customer(string Id, string Email, string Token, IReadOnlyList<string> OrderIds);

/// <summary>
/// The real services the BFF reads, in-process on the store of the mode: Identity (the real OAuth server, issuer
/// <c>http://identity.test/</c>), Catalog (seeded catalogue) and Ordering (orders priced by that Catalog over gRPC). Catalog
/// and Ordering validate Identity's tokens against its JWKS, fetched through Identity's TestServer. Then
/// <see cref="CustomerCount"/> customers register, sign in and place two orders each, and a GraphQL host is started on them.
/// </summary>
public abstract class ShopFixture(AgoraMode mode) : IAsyncLifetime
{
    public const string Issuer = "http://identity.test/";
    public const int CustomerCount = 20;
    public const string Password = "Correct-Horse-42";

    public AgoraMode Mode { get; } = mode;
    public ServiceApp<IdentityProgram> Identity { get; private set; } = null!;
    public ServiceApp<CatalogProgram> Catalog { get; private set; } = null!;
    public ServiceApp<OrderingProgram> Ordering { get; private set; } = null!;
    public GraphQLHost GraphQL { get; private set; } = null!;
    public string AdminToken { get; private set; } = "";
    public IReadOnlyList<Customer> Customers { get; private set; } = [];

    /// <summary>Products the orders use: (id, name).</summary>
    public IReadOnlyList<(string Id, string Name)> Products { get; private set; } = [];

    public Backends Backends => new(Identity.Server.CreateHandler, Catalog.Server.CreateHandler, Ordering.Server.CreateHandler, null);

    public async Task InitializeAsync()
    {
        Identity = new ServiceApp<IdentityProgram>("identity", Mode);
        Identity.With("Identity:Issuer", Issuer)
            .With("environment", "Development") // the demo accounts exist in Development only
            .With("Identity:PasswordHasher:IterationCount", "100000");
        _ = Identity.Server;

        Catalog = new ServiceApp<CatalogProgram>("catalog", Mode);
        Catalog.With("Agora:Auth:Authority", Issuer).With("Catalog:ExpirySweepInterval", "01:00:00");
        Catalog.WithServices(TrustIdentity);
        _ = Catalog.Server;

        Ordering = new ServiceApp<OrderingProgram>("ordering", Mode);
        Ordering.With("Agora:Auth:Authority", Issuer)
            .With("Agora:Services:catalog:Grpc", "http://catalog.test")
            .With("Logging:LogLevel:Default", "Warning");
        Ordering.WithServices(TrustIdentity);
        Ordering.WithServices(s => s.AddGrpcClient<CatalogService.CatalogServiceClient>().ConfigurePrimaryHttpMessageHandler(() => Catalog.Server.CreateHandler()));
        _ = Ordering.Server;

        var page = await (await Catalog.CreateClient().GetAsync("/api/v1/products?per_page=3&sort=name")).BodyAsync();
        Products = page["data"]!.AsArray().Select(p => ((string)p!["id"]!, (string)p["name"]!)).ToList();

        // Staff act through the confidential back-office client: the roles claim and the staff scope admin:ops.
        AdminToken = await SignInAsync("admin@agora.local", "Admin!2345",
            "openid profile email roles read:users write:users read:orders write:orders admin:ops", "agora-admin", "agora-admin-secret");
        var customers = new List<Customer>();
        foreach (var group in Enumerable.Range(0, CustomerCount).Chunk(4))
        {
            customers.AddRange(await Task.WhenAll(group.Select(NewCustomerAsync)));
        }

        Customers = customers;
        GraphQL = await GraphQLHost.StartAsync(Backends);
    }

    private void TrustIdentity(IServiceCollection services) =>
        services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.BackchannelHttpHandler = Identity.Server.CreateHandler());

    /// <summary>Authorization code + PKCE as agora-web (the real flow, the real login form).</summary>
    public async Task<string> SignInAsync(string email, string password,
        string scope = "openid profile email read:users write:users read:orders write:orders", string client = OAuth.WebClient, string? secret = null)
    {
        var browser = Identity.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri(Issuer),
        });
        var (verifier, challenge) = OAuth.Pkce();
        var callback = await OAuth.SignInAndAuthorizeAsync(browser, OAuth.AuthorizeUrl(challenge, "st", client: client, scope: scope), email, password);
        var (status, body) = await OAuth.RedeemAsync(browser, OAuth.Query(callback)["code"], verifier, clientId: client, secret: secret);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return (string)body["access_token"]!;
    }

    /// <summary>Registers a customer over REST, signs them in.</summary>
    public async Task<(string Id, string Email, string Token)> RegisterAsync(string name)
    {
        var email = $"c.{Guid.NewGuid():N}@example.com";
        var response = await Identity.CreateClient().PostAsJsonAsync("/api/v1/users", new { name, email, password = Password });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (string)(await response.BodyAsync())["data"]!["id"]!;
        return (id, email, await SignInAsync(email, Password));
    }

    private async Task<Customer> NewCustomerAsync(int n)
    {
        var (id, email, token) = await RegisterAsync($"Customer {n:00}");
        var orders = new List<string>();
        using var client = Ordering.CreateClient();
        foreach (var items in new[] { new[] { (Products[0].Id, 1) }, new[] { (Products[1].Id, 2), (Products[2].Id, 1) } })
        {
            var order = new
            {
                items = items.Select(i => new { product_id = i.Item1, quantity = i.Item2 }).ToArray(),
                shipping_address = new
                {
                    recipient = "Kim Minji", phone = "010-1234-5678", line1 = "152 Teheran-ro", line2 = "5F", city = "Seoul",
                    postal_code = "06236", country = "KR",
                },
            };
            var key = Guid.NewGuid().ToString();

            // On a busy machine Catalog's price check can miss its 2 s deadline: Ordering answers 503 and asks for a
            // retry with the same Idempotency-Key, which is what a client does (here once a second, for 20 s at most).
            var (response, body) = await Poll.UntilAsync(async () =>
            {
                using var send = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = Json.Of(order) };
                send.Headers.Authorization = new("Bearer", token);
                send.Headers.Add("Idempotency-Key", key);
                var answer = await client.SendAsync(send);
                return (answer, await answer.BodyAsync());
            }, r => r.answer.StatusCode != HttpStatusCode.ServiceUnavailable, "the order taken (not 503)", TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1));

            Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
            orders.Add((string)body["data"]!["id"]!);
        }

        return new Customer(id, email, token, orders);
    }

    public async Task DisposeAsync()
    {
        if (GraphQL is not null)
        {
            await GraphQL.DisposeAsync();
        }

        await Ordering.DisposeAsync();
        await Catalog.DisposeAsync();
        await Identity.DisposeAsync();
    }
}

public sealed class EmbeddedShopFixture() : ShopFixture(AgoraMode.Embedded);

public sealed class DistributedShopFixture() : ShopFixture(AgoraMode.Distributed);

/// <summary>GraphQL response helpers.</summary>
public static class GraphQLAssert
{
    /// <summary>The errors array (empty when none).</summary>
    public static JsonArray Errors(JsonNode body) => body["errors"]?.AsArray() ?? [];

    /// <summary>Asserts there are no errors and returns data.</summary>
    public static JsonNode Data(JsonNode body)
    {
        Assert.True(Errors(body).Count == 0, body.ToJsonString());
        return body["data"]!;
    }

    /// <summary>The one error whose path starts with <paramref name="field"/>.</summary>
    public static JsonNode ErrorAt(JsonNode body, string field) =>
        Errors(body).SingleOrDefault(e => (string?)e!["path"]?[0] == field) ?? throw new Xunit.Sdk.XunitException($"No error at {field}: {body}");
}
