using System.Diagnostics;
using System.Globalization;
using Agora.Contracts.Events;
using Agora.Hosting;
using Agora.Search;
using Agora.Search.Indexing;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// bench/search indexer: fills a Search data directory with N synthetic products through the service's own code, and
// writes the query list the load generator rotates over. See run.sh.
//
//   Agora.Search.Bench <data-dir> <products> <queries-file> [events]
//
// 1. rebuild: N products through ProductIndex.RebuildAsync, the path of POST /api/v1/admin/search/rebuild and of the
//    first start (a new generation, one commit, an atomic swap), timed end to end.
// 2. events: the last `events` products (default 20,000) again as ProductUpdated events through ProductIndex.ApplyAsync
//    (lookup, rules, write), as the Catalog event handler does, with the commit loop running (every 1 s), timed.
// Prints "RESULT rebuild_products=… rebuild_s=… rebuild_per_s=… events=… events_s=… events_per_s=… docs=…".
if (args is ["query", var dir, var file, ..])
{
    return await QueryProfile.RunAsync(dir, file, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3);
}

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Agora.Search.Bench <data-dir> <products> <queries-file> [events]");
    return 64;
}

var dataDir = Path.GetFullPath(args[0]);
var count = int.Parse(args[1], CultureInfo.InvariantCulture);
var queriesFile = args[2];
var eventCount = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20_000;

var catalogue = new SyntheticCatalogue(20_261_126);
var index = new ProductIndex(
    Options.Create(new SearchOptions()), Options.Create(new AgoraOptions { ServiceName = "search", DataDirectory = dataDir }),
    new BenchEnvironment(dataDir), TimeProvider.System, NullLogger<ProductIndex>.Instance);

var watch = Stopwatch.StartNew();
var built = await index.RebuildAsync(catalogue.Products(count), CancellationToken.None) ?? throw new InvalidOperationException("rebuild refused");
var rebuildSeconds = watch.Elapsed.TotalSeconds;

// The event path: ProductUpdated for the last products from 4 concurrent "listeners" (the writes serialise on one lock).
using var cts = new CancellationTokenSource();
var committer = Task.Run(async () =>
{
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
    while (await timer.WaitForNextTickAsync(cts.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default))
    {
        await index.CommitAsync(CancellationToken.None);
    }
});
eventCount = Math.Min(eventCount, count);
var events = catalogue.Updates(count, eventCount).ToList();
watch.Restart();
var next = -1;
await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
{
    int i;
    while ((i = Interlocked.Increment(ref next)) < events.Count)
    {
        await index.ApplyAsync(events[i], CancellationToken.None);
    }
})));
var eventSeconds = watch.Elapsed.TotalSeconds;
await cts.CancelAsync();
await committer;
await index.RefreshAsync(CancellationToken.None);
var docs = index.Search(s => s.IndexReader.NumDocs);
index.Dispose();

await File.WriteAllLinesAsync(queriesFile, catalogue.Queries(500));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT rebuild_products={built} rebuild_s={rebuildSeconds:F2} rebuild_per_s={built / rebuildSeconds:F0} events={events.Count} events_s={eventSeconds:F2} events_per_s={events.Count / eventSeconds:F0} docs={docs}"));
return 0;

/// <summary>
/// <c>query &lt;data-dir&gt; &lt;queries-file&gt; [rounds]</c>: the queries in-process, without HTTP, on one thread; prints
/// CPU µs per query. Separates the search itself from the web stack when the machine is too busy for wall-clock figures.
/// </summary>
internal static class QueryProfile
{
    public static async Task<int> RunAsync(string dataDir, string file, int rounds)
    {
        dataDir = Path.GetFullPath(dataDir);
        using var index = new ProductIndex(
            Options.Create(new SearchOptions()), Options.Create(new AgoraOptions { ServiceName = "search", DataDirectory = Path.GetFullPath(dataDir) }),
            new BenchEnvironment(dataDir), TimeProvider.System, NullLogger<ProductIndex>.Instance);
        var queries = (await File.ReadAllLinesAsync(file)).Where(l => l.Length > 0).Select(Parse).ToList();
        foreach (var q in queries)
        {
            Agora.Search.Features.Search.SearchProducts.Handle(q, index); // warm-up
        }

        var mode = Environment.GetEnvironmentVariable("PROFILE_MODE") ?? "full";
        if (mode != "full")
        {
            var c0 = Process.GetCurrentProcess().TotalProcessorTime;
            for (var r = 0; r < rounds; r++)
            {
                foreach (var q in queries)
                {
                    if (string.IsNullOrEmpty(q.Q))
                    {
                        continue;
                    }

                    index.Search(s =>
                    {
                        var tq = Agora.Search.Features.Search.SearchProducts.BuildTextQuery(q.Q, index.Analyzer, s.IndexReader);
                        var rw = s.Rewrite(tq);
                        if (mode == "count")
                        {
                            var c = new Lucene.Net.Search.TotalHitCountCollector();
                            s.Search(rw, c);
                            return c.TotalHits;
                        }

                        if (mode == "top")
                        {
                            return s.Search(rw, 21).TotalHits;
                        }

                        return 0;
                    });
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT mode={mode} cpu_us_per_query={(Process.GetCurrentProcess().TotalProcessorTime - c0).TotalMicroseconds / (rounds * queries.Count):F0}"));
            return 0;
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (var r = 0; r < rounds; r++)
        {
            foreach (var q in queries)
            {
                Agora.Search.Features.Search.SearchProducts.Handle(q, index);
            }
        }

        var n = rounds * queries.Count;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT queries={n} cpu_us_per_query={used.TotalMicroseconds / n:F0} wall_us_per_query={watch.Elapsed.TotalMicroseconds / n:F0}"));
        return 0;
    }

    private static Agora.Search.Features.Search.ProductSearchQuery Parse(string path)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + path).Query);
        string? Get(string k) => query.TryGetValue(k, out var v) ? v.ToString() : null;
        return new Agora.Search.Features.Search.ProductSearchQuery
        {
            Q = Get("q"),
            Category = Get("category"),
            MinPrice = Get("min_price") is { } min ? decimal.Parse(min, CultureInfo.InvariantCulture) : null,
            MaxPrice = Get("max_price") is { } max ? decimal.Parse(max, CultureInfo.InvariantCulture) : null,
            InStock = Get("in_stock") is { } s ? bool.Parse(s) : null,
            Sort = Get("sort"),
        };
    }
}

internal sealed class BenchEnvironment(string root) : IHostEnvironment
{
    public string EnvironmentName { get; set; } = "Production";
    public string ApplicationName { get; set; } = "Agora.Search.Bench";
    public string ContentRootPath { get; set; } = root;
    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}

/// <summary>A deterministic catalogue: English names like the Catalog seed's, a third of them Korean, 20 categories.</summary>
internal sealed class SyntheticCatalogue(int seed)
{
    private static readonly string[] Nouns =
    [
        "Headphones", "Speaker", "Charger", "Monitor", "Keyboard", "Mouse", "Webcam", "Kettle", "Blender", "Teapot", "Jacket",
        "Sneakers", "Backpack", "Serum", "Sunscreen", "Tent", "Lantern", "Puzzle", "Notebook", "Planter", "Leash", "Camera",
        "Tripod", "Router", "Lamp", "Blanket", "Pillow", "Wallet", "Umbrella", "Thermos",
    ];

    private static readonly string[] Adjectives =
        ["Classic", "Compact", "Deluxe", "Eco", "Wireless", "Pro", "Ultra", "Smart", "Premium", "Travel", "Portable", "Studio", "Nordic", "Urban", "Ergonomic"];

    private static readonly string[] Colours = ["Black", "White", "Navy", "Olive", "Sand", "Coral", "Slate", "Forest", "Ivory", "Charcoal"];

    private static readonly string[] KoreanNouns =
        ["이어폰", "스피커", "충전기", "모니터", "키보드", "마우스", "전기포트", "텀블러", "백팩", "운동화", "선크림", "텐트", "랜턴", "노트북", "지갑", "우산", "담요", "베개", "카메라", "김치"];

    private static readonly string[] KoreanAdjectives = ["무선", "휴대용", "프리미엄", "접이식", "방수", "초경량", "대용량", "스마트", "가죽", "친환경"];

    private static readonly string[] Phrases =
    [
        "built to last", "with a two-year warranty", "for everyday use", "light enough to travel", "easy to clean",
        "quiet and efficient", "made from recycled materials", "a customer favourite", "with fast charging", "water resistant",
    ];

    private static readonly string[] KoreanPhrases = ["가볍고 튼튼한", "매일 쓰기 좋은", "선물용으로 좋은", "빠른 충전을 지원하는", "세척이 쉬운"];

    private const int Categories = 20;

    public static string Category(int i) => "cat_bench" + i.ToString("D2", CultureInfo.InvariantCulture);

    public async IAsyncEnumerable<IndexedProduct> Products(int count)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var (name, description) = Text(random, i);
            yield return new IndexedProduct
            {
                Id = "prd_bench" + i.ToString("D7", CultureInfo.InvariantCulture),
                Sku = "BENCH-" + i.ToString("D7", CultureInfo.InvariantCulture),
                Name = name,
                Description = description,
                CategoryId = Category(random.Next(Categories)),
                Price = (random.Next(10, 5000) * 100).ToString(CultureInfo.InvariantCulture),
                Currency = "KRW",
                Status = random.Next(20) == 0 ? "draft" : "active",
                Version = 1,
                CreatedAtMicros = IndexedProduct.Micros(start.AddMinutes(i)),
                Available = random.Next(8) == 0 ? 0 : random.Next(1, 500),
                StockAtMicros = IndexedProduct.Micros(start.AddMinutes(i)),
            };
            if (i % 10_000 == 9_999)
            {
                await Task.Yield();
            }
        }
    }

    public IEnumerable<IIntegrationEvent> Updates(int count, int updates)
    {
        var random = new Random(seed + 1);
        var at = DateTimeOffset.UtcNow;
        for (var i = count - updates; i < count; i++)
        {
            var (name, description) = Text(random, i);
            yield return new ProductUpdated(Guid.NewGuid(), at, "prd_bench" + i.ToString("D7", CultureInfo.InvariantCulture),
                "BENCH-" + i.ToString("D7", CultureInfo.InvariantCulture), name, description, Category(random.Next(Categories)),
                random.Next(10, 5000) * 100, "KRW", "active", 2);
        }
    }

    /// <summary>
    /// The query mix: one or two English words (a fifth with a typo), Korean words, a SKU; a fifth filtered by
    /// category, a fifth by price, a tenth in stock only, a tenth sorted by price; every one a valid request path.
    /// </summary>
    public IEnumerable<string> Queries(int count)
    {
        var random = new Random(seed + 2);
        for (var i = 0; i < count; i++)
        {
            var q = (i % 10) switch
            {
                0 or 1 or 2 => Nouns[random.Next(Nouns.Length)],
                3 or 4 => Adjectives[random.Next(Adjectives.Length)] + " " + Nouns[random.Next(Nouns.Length)],
                5 => Typo(random, Nouns[random.Next(Nouns.Length)]),
                6 => Typo(random, Adjectives[random.Next(Adjectives.Length)]) + " " + Nouns[random.Next(Nouns.Length)],
                7 => KoreanNouns[random.Next(KoreanNouns.Length)],
                8 => KoreanAdjectives[random.Next(KoreanAdjectives.Length)] + " " + KoreanNouns[random.Next(KoreanNouns.Length)],
                _ => "BENCH-" + random.Next(100_000).ToString("D7", CultureInfo.InvariantCulture),
            };
            var path = "/api/v1/search/products?q=" + Uri.EscapeDataString(q);
            var r = random.Next(10);
            path += r switch
            {
                0 or 1 => "&category=" + Category(random.Next(Categories)),
                2 or 3 => "&min_price=10000&max_price=" + random.Next(20, 300) * 1000,
                4 => "&in_stock=true",
                5 => "&sort=price",
                _ => "",
            };
            yield return path;
        }
    }

    private static (string Name, string Description) Text(Random random, int i)
    {
        if (i % 3 == 2)
        {
            var kn = KoreanAdjectives[random.Next(KoreanAdjectives.Length)] + " " + KoreanNouns[random.Next(KoreanNouns.Length)];
            return (kn + " " + Colours[random.Next(Colours.Length)], KoreanPhrases[random.Next(KoreanPhrases.Length)] + " " + kn + "입니다. "
                + Phrases[random.Next(Phrases.Length)] + ".");
        }

        var noun = Nouns[random.Next(Nouns.Length)];
        var name = Adjectives[random.Next(Adjectives.Length)] + " " + noun + " " + Colours[random.Next(Colours.Length)];
        return (name, $"A {Adjectives[random.Next(Adjectives.Length)].ToLowerInvariant()} {noun.ToLowerInvariant()}, "
            + Phrases[random.Next(Phrases.Length)] + " and " + Phrases[random.Next(Phrases.Length)] + ".");
    }

    private static string Typo(Random random, string word)
    {
        var chars = word.ToCharArray();
        var at = random.Next(1, chars.Length - 1);
        (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]); // a transposition: one edit
        return new string(chars);
    }
}
