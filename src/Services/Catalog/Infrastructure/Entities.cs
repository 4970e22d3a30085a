namespace Agora.Catalog.Infrastructure;

/// <summary>Lifecycle of a product; only active products can be ordered.</summary>
public enum ProductStatus
{
    Active,
    Draft,
    Discontinued,
}

public sealed class Category
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string Slug { get; set; }
    public string Description { get; set; } = "";

    /// <summary>Korean name; null when the category has no Korean text.</summary>
    public string? NameKo { get; set; }

    /// <summary>Korean description (with <see cref="NameKo"/>).</summary>
    public string? DescriptionKo { get; set; }

    public DateTime CreatedAt { get; init; }
}

public sealed class Product
{
    public required string Id { get; init; }
    public required string Sku { get; set; }
    public required string Name { get; set; }

    /// <summary>Upper-invariant copy of <see cref="Name"/> for case-insensitive search that behaves alike on every provider.</summary>
    public string NameSearch { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>Korean name; null when the product has no Korean text (the English one is then shown).</summary>
    public string? NameKo { get; set; }

    /// <summary>Korean description (with <see cref="NameKo"/>).</summary>
    public string? DescriptionKo { get; set; }

    public required string CategoryId { get; set; }

    /// <summary>Price in the currency's minor unit (KRW has none, USD has cents): integers sort and compare everywhere.</summary>
    public long PriceMinor { get; set; }

    public required string Currency { get; set; }
    public ProductStatus Status { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Concurrency token and ETag source; bumped by every change.</summary>
    public int Version { get; set; } = 1;

    public Inventory? Inventory { get; set; }
}

/// <summary>Stock of one product. Invariant: both counts are never negative.</summary>
public sealed class Inventory
{
    public required string ProductId { get; init; }
    public int Available { get; set; }
    public int Reserved { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum ReservationStatus
{
    Active,
    Committed,
    Released,
    Expired,
}

/// <summary>Stock held for a caller (an order) until it is committed, released or expires.</summary>
public sealed class Reservation
{
    public required string Id { get; init; }
    public ReservationStatus Status { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime ExpiresAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public List<ReservationLine> Lines { get; init; } = [];
}

public sealed class ReservationLine
{
    public required string ReservationId { get; init; }
    public required string ProductId { get; init; }
    public int Quantity { get; init; }
}
