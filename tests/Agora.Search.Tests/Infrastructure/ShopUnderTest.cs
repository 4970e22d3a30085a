extern alias catalog;
using System.Net;
using System.Text.Json.Nodes;
using Agora.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using CatalogProgram = catalog::Program;

namespace Agora.Search.Tests.Infrastructure;

/// <summary>
/// A real Catalog and a real Search, wired as in the shop: Catalog's events reach Search over Wolverine TCP (embedded)
/// or RabbitMQ (distributed, one namespace for both), and Search reads <c>StreamProducts</c> from Catalog's gRPC
/// service. Both trust one <see cref="TestIdentity"/>. Search builds its index from Catalog's seeded catalogue at start.
/// </summary>
public sealed class ShopUnderTest : IAsyncDisposable
{
    private ShopUnderTest(TestIdentity identity, ServiceApp<CatalogProgram> catalog, ServiceApp<Program> search)
    {
        Identity = identity;
        CatalogApp = catalog;
        SearchApp = search;
        Catalog = catalog.CreateDefaultClient(new BearerTokenHandler(identity.AdminToken));
        Search = search.CreateClient();
        SearchAdmin = search.CreateDefaultClient(new BearerTokenHandler(identity.AdminToken));
    }

    /// <summary>Catalog seeds 1,080 products, 1,032 of them active (the rest draft or discontinued: not searchable).</summary>
    public const int SeededActiveProducts = 1032;

    public TestIdentity Identity { get; }
    public ServiceApp<CatalogProgram> CatalogApp { get; }
    public ServiceApp<Program> SearchApp { get; }

    /// <summary>Catalog, as staff.</summary>
    public HttpClient Catalog { get; }

    /// <summary>Search, anonymous (as the shop front).</summary>
    public HttpClient Search { get; }

    /// <summary>Search, as staff.</summary>
    public HttpClient SearchAdmin { get; }

    public static async Task<ShopUnderTest> StartAsync(AgoraMode mode, Action<ServiceApp<Program>>? configureSearch = null)
    {
        var identity = await TestIdentity.StartAsync();
        var catalog = new ServiceApp<CatalogProgram>("catalog", mode);
        catalog.With("Agora:Auth:Authority", identity.Issuer).With("Catalog:ExpirySweepInterval", "01:00:00");
        var search = new ServiceApp<Program>("search", mode);
        search.With("Agora:Auth:Authority", identity.Issuer).With("Search:BuildRetryDelay", "00:00:00.500");
        if (mode == AgoraMode.Embedded)
        {
            catalog.With("Agora:Messaging:Peers:search", "localhost:" + search.MessagePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            // The index is a local directory in both modes: a fresh one per test app, never the content root's default.
            search.With("Agora:DataDirectory", IndexDirectoryOf(search));
            var ns = "agora-test-" + search.Name;
            catalog.With("Agora:Messaging:Namespace", ns);
            search.With("Agora:Messaging:Namespace", ns);
        }

        // StreamProducts over the Catalog test server's handler (gRPC over HTTP/2 in memory).
        search.WithServices(s => s.Configure<HttpClientFactoryOptions>(
            typeof(Agora.Contracts.Catalog.V1.CatalogService.CatalogServiceClient).Name,
            o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = catalog.Server.CreateHandler())));
        configureSearch?.Invoke(search);

        _ = catalog.Server; // Catalog first: seeded, listening for gRPC, its outbox ready
        _ = search.Server;
        var shop = new ShopUnderTest(identity, catalog, search);
        await shop.WaitUntilAsync(async () => (await shop.SearchTotalAsync("")) >= SeededActiveProducts, TimeSpan.FromSeconds(60), "the initial build from Catalog");
        return shop;
    }

    /// <summary>The first category of the seeded catalogue (Electronics) and the second (Books).</summary>
    public async Task<(string First, string Second)> CategoriesAsync()
    {
        var data = (await (await Catalog.GetAsync("/api/v1/categories?per_page=100")).BodyAsync())["data"]!.AsArray();
        return ((string)data[0]!["id"]!, (string)data[1]!["id"]!);
    }

    /// <summary>Creates a product in Catalog; returns its id.</summary>
    public async Task<string> CreateProductAsync(string sku, string name, string description, string categoryId, long price, int stock)
    {
        var response = await Catalog.PostAsync("/api/v1/products", Json.Of(new
        {
            sku, name, description, category_id = categoryId,
            price = new { amount = price.ToString(System.Globalization.CultureInfo.InvariantCulture), currency = "KRW" },
            status = "active", initial_stock = stock,
        }));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.BodyAsync())["data"]!["id"]!;
    }

    public async Task<JsonNode> SearchAsync(string query)
    {
        var response = await Search.GetAsync("/api/v1/search/products" + (query.Length == 0 ? "" : "?" + query));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.BodyAsync();
    }

    public async Task<List<string>> SearchIdsAsync(string query) =>
        (await SearchAsync(query))["data"]!["items"]!.AsArray().Select(i => (string)i!["id"]!).ToList();

    public async Task<long> SearchTotalAsync(string query) => (long)(await SearchAsync(query))["pagination"]!["total"]!;

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds; fails after <paramref name="timeout"/>.</summary>
    public async Task<TimeSpan> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (started.Elapsed < timeout)
        {
            if (await condition())
            {
                return started.Elapsed;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"Timed out after {timeout.TotalSeconds} s waiting for {what}.");
    }

    /// <summary>Distributed mode: where a Search test app keeps its index (embedded apps have a temp data directory already).</summary>
    public static string IndexDirectoryOf(ServiceApp<Program> search) => Path.Combine(Path.GetTempPath(), "agora-tests", search.Name);

    public async ValueTask DisposeAsync()
    {
        await SearchApp.DisposeAsync();
        await CatalogApp.DisposeAsync();
        await Identity.DisposeAsync();
        if (SearchApp.Mode == AgoraMode.Distributed && Directory.Exists(IndexDirectoryOf(SearchApp)))
        {
            Directory.Delete(IndexDirectoryOf(SearchApp), recursive: true);
        }
    }
}
