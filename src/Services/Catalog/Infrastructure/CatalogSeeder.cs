namespace Agora.Catalog.Infrastructure;

/// <summary>
/// A realistic catalogue for an empty database: 12 categories × 90 products = 1,080 products, generated from a fixed
/// seed so every machine gets the same ids, names, prices and stock; every category and product has its name and
/// description in English and in Korean (<c>localized.ko</c>: 패션 for Fashion, 클래식 블랙 재킷 01 for Classic Black Jacket 01).
/// </summary>
internal sealed partial class CatalogSeeder(IOptions<CatalogOptions> options, ILogger<CatalogSeeder> logger) : IDataSeeder<CatalogDbContext>
{
    public const int ProductsPerCategory = 90;

    private static readonly (string Name, string Slug, string[] Nouns, int MinPrice, int MaxPrice)[] Categories =
    [
        ("Electronics", "electronics", ["Headphones", "Speaker", "Charger", "Monitor", "Keyboard", "Mouse", "Webcam", "Power Bank"], 15_000, 900_000),
        ("Books", "books", ["Novel", "Cookbook", "Atlas", "Biography", "Poetry Collection", "Field Guide", "Textbook", "Comic"], 8_000, 60_000),
        ("Home & Kitchen", "home-kitchen", ["Kettle", "Frying Pan", "Knife Set", "Cutting Board", "Blender", "Rice Cooker", "Mug", "Teapot"], 5_000, 400_000),
        ("Fashion", "fashion", ["Jacket", "Sneakers", "Scarf", "T-Shirt", "Jeans", "Backpack", "Cap", "Belt"], 9_000, 350_000),
        ("Beauty", "beauty", ["Serum", "Sunscreen", "Cleanser", "Lip Balm", "Face Mask", "Toner", "Hand Cream", "Shampoo"], 4_000, 120_000),
        ("Sports & Outdoors", "sports-outdoors", ["Yoga Mat", "Tent", "Water Bottle", "Running Shoes", "Dumbbell", "Hiking Poles", "Bike Light", "Sleeping Bag"], 7_000, 600_000),
        ("Toys & Games", "toys-games", ["Puzzle", "Board Game", "Building Blocks", "Plush Bear", "Kite", "Card Game", "Model Kit", "Yo-Yo"], 3_000, 200_000),
        ("Grocery", "grocery", ["Green Tea", "Coffee Beans", "Olive Oil", "Honey", "Kimchi", "Seaweed Snack", "Rice", "Soy Sauce"], 2_000, 80_000),
        ("Automotive", "automotive", ["Dash Cam", "Car Vacuum", "Seat Cover", "Phone Mount", "Tire Gauge", "Wiper Blades", "Jump Starter", "Air Freshener"], 5_000, 450_000),
        ("Garden", "garden", ["Planter", "Pruning Shears", "Watering Can", "Seed Kit", "Garden Hose", "Compost Bin", "Trowel", "Bird Feeder"], 4_000, 250_000),
        ("Office", "office", ["Notebook", "Fountain Pen", "Desk Lamp", "Stapler", "Monitor Stand", "Planner", "Desk Organizer", "Whiteboard"], 2_000, 300_000),
        ("Pet Supplies", "pet-supplies", ["Dog Bed", "Cat Tree", "Leash", "Pet Bowl", "Chew Toy", "Litter Box", "Grooming Brush", "Pet Carrier"], 3_000, 280_000),
    ];

    /// <summary>The Korean of <see cref="Categories"/>: the category's name and its nouns, in the same order.</summary>
    private static readonly (string Name, string[] Nouns)[] CategoriesKo =
    [
        ("전자제품", ["헤드폰", "스피커", "충전기", "모니터", "키보드", "마우스", "웹캠", "보조배터리"]),
        ("도서", ["소설", "요리책", "지도책", "전기", "시집", "도감", "교과서", "만화책"]),
        ("홈·주방", ["주전자", "프라이팬", "칼 세트", "도마", "블렌더", "밥솥", "머그컵", "찻주전자"]),
        ("패션", ["재킷", "운동화", "스카프", "티셔츠", "청바지", "백팩", "모자", "벨트"]),
        ("뷰티", ["세럼", "선크림", "클렌저", "립밤", "마스크팩", "토너", "핸드크림", "샴푸"]),
        ("스포츠·아웃도어", ["요가 매트", "텐트", "물병", "러닝화", "덤벨", "등산 스틱", "자전거 라이트", "침낭"]),
        ("완구·게임", ["퍼즐", "보드게임", "블록", "곰 인형", "연", "카드게임", "프라모델", "요요"]),
        ("식품", ["녹차", "원두", "올리브유", "꿀", "김치", "김스낵", "쌀", "간장"]),
        ("자동차용품", ["블랙박스", "차량용 청소기", "시트 커버", "휴대폰 거치대", "타이어 게이지", "와이퍼", "점프 스타터", "방향제"]),
        ("원예", ["화분", "전지가위", "물뿌리개", "씨앗 키트", "정원 호스", "퇴비통", "모종삽", "새 모이통"]),
        ("사무용품", ["노트", "만년필", "책상 조명", "스테이플러", "모니터 받침대", "플래너", "책상 정리함", "화이트보드"]),
        ("반려동물용품", ["강아지 침대", "캣타워", "리드줄", "밥그릇", "씹는 장난감", "고양이 화장실", "그루밍 브러시", "이동장"]),
    ];

    private static readonly string[] Adjectives =
        ["Classic", "Compact", "Deluxe", "Eco", "Essential", "Pro", "Ultra", "Smart", "Premium", "Travel", "Everyday", "Studio", "Nordic", "Urban", "Heritage"];

    private static readonly string[] AdjectivesKo =
        ["클래식", "컴팩트", "디럭스", "에코", "에센셜", "프로", "울트라", "스마트", "프리미엄", "여행용", "데일리", "스튜디오", "노르딕", "어반", "헤리티지"];

    private static readonly string[] Colours =
        ["Black", "White", "Navy", "Olive", "Sand", "Coral", "Slate", "Forest", "Ivory", "Charcoal"];

    private static readonly string[] ColoursKo =
        ["블랙", "화이트", "네이비", "올리브", "샌드", "코랄", "슬레이트", "포레스트", "아이보리", "차콜"];

    public async Task SeedAsync(CatalogDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Categories.AnyAsync(cancellationToken))
        {
            return;
        }

        var random = new Random(20_260_412);
        var currency = options.Value.Currency;
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var n = 0;
        for (var c = 0; c < Categories.Length; c++)
        {
            var (name, slug, nouns, minPrice, maxPrice) = Categories[c];
            var (nameKo, nounsKo) = CategoriesKo[c];
            var category = new Category
            {
                Id = DeterministicId("cat", random),
                Name = name,
                Slug = slug,
                Description = $"{name} for every day.",
                NameKo = nameKo,
                DescriptionKo = $"매일 함께하는 {nameKo}.",
                CreatedAt = start,
            };
            db.Categories.Add(category);
            for (var i = 0; i < ProductsPerCategory; i++, n++)
            {
                // The same draws in the same order as before the Korean text, so ids, names, prices and stock stay as they were.
                var (adjective, colour, noun) = (random.Next(Adjectives.Length), random.Next(Colours.Length), random.Next(nouns.Length));
                var productName = $"{Adjectives[adjective]} {Colours[colour]} {nouns[noun]} {i + 1:D2}";
                var productNameKo = $"{AdjectivesKo[adjective]} {ColoursKo[colour]} {nounsKo[noun]} {i + 1:D2}";
                var price = (long)(random.Next(minPrice / 100, maxPrice / 100) * 100);
                var created = start.AddMinutes(n * 37);
                var id = DeterministicId("prd", random);
                db.Products.Add(new Product
                {
                    Id = id,
                    Sku = $"{slug[..3].ToUpperInvariant()}-{c + 1:D2}{i + 1:D3}",
                    Name = productName,
                    NameSearch = productName.ToUpperInvariant(),
                    Description = $"{productName}: a {name.ToLowerInvariant()} favourite, chosen for quality and value.",
                    NameKo = productNameKo,
                    DescriptionKo = $"{productNameKo}: 품질과 가치로 고른 {nameKo} 인기 상품.",
                    CategoryId = category.Id,
                    PriceMinor = price,
                    Currency = currency,
                    Status = i % 30 == 29 ? ProductStatus.Discontinued : i % 45 == 44 ? ProductStatus.Draft : ProductStatus.Active,
                    CreatedAt = created,
                    UpdatedAt = created,
                    Inventory = new Inventory { ProductId = id, Available = random.Next(0, 8) == 0 ? 0 : random.Next(5, 500), UpdatedAt = created },
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        LogSeeded(logger, Categories.Length, n);
    }

    private static string DeterministicId(string prefix, Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return prefix + "_" + Convert.ToHexStringLower(bytes);
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Seeded the catalogue: {Categories} categories, {Products} products")]
    private static partial void LogSeeded(ILogger logger, int categories, int products);
}
