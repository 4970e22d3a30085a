using Agora.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agora.Catalog.Infrastructure;

/// <summary>
/// A realistic catalogue for an empty database: 12 categories × 90 products = 1,080 products, generated from a fixed
/// seed so every machine gets the same ids, names, prices and stock.
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

    private static readonly string[] Adjectives =
        ["Classic", "Compact", "Deluxe", "Eco", "Essential", "Pro", "Ultra", "Smart", "Premium", "Travel", "Everyday", "Studio", "Nordic", "Urban", "Heritage"];

    private static readonly string[] Colours =
        ["Black", "White", "Navy", "Olive", "Sand", "Coral", "Slate", "Forest", "Ivory", "Charcoal"];

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
            var category = new Category
            {
                Id = DeterministicId("cat", random),
                Name = name,
                Slug = slug,
                Description = $"{name} for every day.",
                CreatedAt = start,
            };
            db.Categories.Add(category);
            for (var i = 0; i < ProductsPerCategory; i++, n++)
            {
                var productName = $"{Adjectives[random.Next(Adjectives.Length)]} {Colours[random.Next(Colours.Length)]} {nouns[random.Next(nouns.Length)]} {i + 1:D2}";
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
