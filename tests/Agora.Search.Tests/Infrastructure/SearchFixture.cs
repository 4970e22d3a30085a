using Agora.Hosting;
using Agora.Primitives;

namespace Agora.Search.Tests.Infrastructure;

/// <summary>
/// The fixed corpus the relevance tests rank: Korean and English products added through Catalog's API on top of its
/// 1,080 seeded products (English names like "Smart Headphones Black"), so every expected top result has real competition.
/// </summary>
public static class Corpus
{
    public sealed record Item(string Key, string Sku, string Name, string Description, bool SecondCategory, long Price, int Stock);

    public static readonly Item[] Items =
    [
        new("aurora", "AUR-WH-1000", "Aurora Wireless Noise-Cancelling Headphones", "Over-ear headphones with active noise cancelling and 30 hours of battery.", false, 329_000, 12),
        new("budget", "BUD-EAR-01", "Budget Wired Earbuds", "Simple wired earbuds with a microphone.", false, 9_900, 0),
        new("speaker", "SPK-WL-20", "Wireless Bluetooth Speaker", "Portable speaker, waterproof, pairs with any phone.", false, 89_000, 5),
        new("galaxy", "KR-EAR-PRO", "갤럭시 무선 이어폰 프로", "노이즈 캔슬링을 지원하는 블루투스 무선 이어폰입니다.", false, 199_000, 7),
        new("compound", "KR-EAR-LITE", "블루투스 무선이어폰 라이트", "가볍고 편안한 착용감의 이어폰.", false, 59_000, 3),
        new("kimchi", "KR-KIM-1KG", "전통 배추김치 1kg", "국산 배추로 담근 전통 김치. Traditional napa cabbage kimchi.", true, 15_000, 40),
        new("espresso", "BAR-ESP-9", "Barista Espresso Machine", "Fifteen-bar pump espresso machine with a steam wand.", true, 459_000, 2),
        new("frother", "MLK-FRO-2", "Milk Frother", "Makes silky foam for espresso drinks and lattes.", true, 39_000, 9),
        new("markup", "MUG-TJ-01", "Tom & Jerry <Deluxe> Mug", "A mug for cartoon fans & coffee lovers.", true, 12_000, 20),
    ];
}

/// <summary>One shop (Catalog + Search) per mode with the corpus indexed, shared by a test class's tests.</summary>
public abstract class SearchFixture(AgoraMode mode) : IAsyncLifetime
{
    public ShopUnderTest Shop { get; private set; } = null!;

    /// <summary>Product ids of the corpus by key.</summary>
    public Dictionary<string, string> Ids { get; } = new(StringComparer.Ordinal);

    public string FirstCategory { get; private set; } = "";
    public string SecondCategory { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Shop = await ShopUnderTest.StartAsync(mode);
        (FirstCategory, SecondCategory) = await Shop.CategoriesAsync();
        foreach (var item in Corpus.Items)
        {
            Ids[item.Key] = await Shop.CreateProductAsync(item.Sku, item.Name, item.Description,
                item.SecondCategory ? SecondCategory : FirstCategory, item.Price, item.Stock);
        }

        await Shop.WaitUntilAsync(async () => await Shop.SearchTotalAsync("") >= ShopUnderTest.SeededActiveProducts + Corpus.Items.Length
                && (await Shop.SearchIdsAsync("q=BUD-EAR-01&in_stock=false")).Count == 1,
            TimeSpan.FromSeconds(30), "the corpus in the index");
    }

    public async Task DisposeAsync()
    {
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
        }
    }
}

public sealed class EmbeddedSearchFixture() : SearchFixture(AgoraMode.Embedded);

public sealed class DistributedSearchFixture() : SearchFixture(AgoraMode.Distributed);
