using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Search.Features.Search;

/// <summary>Query parameters of the product search.</summary>
public sealed class ProductSearchQuery
{
    /// <summary>Words to look for in names, descriptions and SKUs (Korean or English); typos are tolerated.</summary>
    [FromQuery(Name = "q"), MaxLength(SearchProducts.MaxQueryLength),
     Description("Words to find in product names, descriptions and SKUs, Korean or English. Every word must match (from three words on, three in four); a word of 4+ letters also matches with one typo, of 8+ with two. Empty: every product.")]
    public string? Q { get; init; }

    /// <summary>Only products of this category id.</summary>
    [FromQuery(Name = "category"), MaxLength(40), RegularExpression("^[A-Za-z0-9._:-]+$"), Description("Only products of this category id.")]
    public string? Category { get; init; }

    /// <summary>Lowest price, inclusive.</summary>
    [FromQuery(Name = "min_price"), Description("Lowest price, inclusive, in the catalogue currency.")]
    public decimal? MinPrice { get; init; }

    /// <summary>Highest price, inclusive.</summary>
    [FromQuery(Name = "max_price"), Description("Highest price, inclusive, in the catalogue currency.")]
    public decimal? MaxPrice { get; init; }

    /// <summary>true: only products with stock available.</summary>
    [FromQuery(Name = "in_stock"), Description("true: only products with stock available to order. false or absent: any.")]
    public bool? InStock { get; init; }

    /// <summary>Sort order.</summary>
    [FromQuery(Name = "sort"), MaxLength(11), RegularExpression("^(relevance|-?price|-?created_at)$"),
     Description("relevance (BM25; the default with q), price, -price, created_at or -created_at (newest first; the default without q).")]
    public string? Sort { get; init; }

    /// <summary>Items per page, 1–100, default 20.</summary>
    [FromQuery(Name = "per_page"), Range(1, Paging.MaxPerPage), Description("Items per page. Default 20.")]
    public int? PerPage { get; init; }

    /// <summary>Opaque cursor from <c>pagination.next_cursor</c>.</summary>
    [FromQuery(Name = "cursor"), MaxLength(512), RegularExpression("^[A-Za-z0-9_-]+$"),
     Description("Opaque cursor from pagination.next_cursor of a response to the same query, filters and sort.")]
    public string? Cursor { get; init; }
}

/// <summary>A page of search results: the products and the facet counts of the whole result.</summary>
/// <param name="Items">The products of this page, best first (or in the requested order).</param>
/// <param name="Facets">Counts over every match of the query and the other filters.</param>
public sealed record ProductSearchResult([property: MaxLength(Paging.MaxPerPage)] IReadOnlyList<ProductHit> Items, SearchFacets Facets);

/// <summary>One product found.</summary>
/// <param name="Id">Product id.</param>
/// <param name="Sku">Stock-keeping unit.</param>
/// <param name="Name">Name.</param>
/// <param name="Description">Description.</param>
/// <param name="CategoryId">Category id.</param>
/// <param name="Price">Price.</param>
/// <param name="Available">Units available to order.</param>
/// <param name="InStock">Whether any unit is available.</param>
/// <param name="CreatedAt">When the product was added to the catalogue.</param>
/// <param name="Score">BM25 relevance score, when sorted by relevance.</param>
/// <param name="Highlights">Where the query matched, with matches in &lt;em&gt;; HTML-escaped.</param>
/// <param name="Localized">Name and description in other languages, by locale (ko), as Catalog's product resource has them; empty when none.</param>
public sealed record ProductHit(
    [property: MaxLength(40)] string Id,
    [property: MaxLength(64)] string Sku,
    [property: MaxLength(200)] string Name,
    [property: MaxLength(4000)] string Description,
    [property: MaxLength(40)] string CategoryId,
    MoneyDto Price,
    int Available,
    bool InStock,
    DateTime? CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? Score,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ProductHighlights? Highlights,
    IReadOnlyDictionary<string, LocalizedHitText> Localized);

/// <summary>A product's name and description in one more language.</summary>
/// <param name="Name">Name.</param>
/// <param name="Description">Description.</param>
public sealed record LocalizedHitText([property: MaxLength(200)] string Name, [property: MaxLength(4000)] string Description);

/// <summary>Fragments of the matched fields with the matching words wrapped in &lt;em&gt;…&lt;/em&gt;, HTML-escaped.</summary>
/// <param name="Name">The name, when the query matched it.</param>
/// <param name="Description">The best fragment of the description (up to ~160 characters), when the query matched it.</param>
public sealed record ProductHighlights(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), MaxLength(2000)] string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), MaxLength(2000)] string? Description);

/// <summary>Facet counts.</summary>
/// <param name="Categories">Matches per category, ignoring the category filter itself (so other categories stay visible), most first; at most 1,000.</param>
public sealed record SearchFacets([property: MaxLength(SearchFacets.MaxCategories)] IReadOnlyList<CategoryCount> Categories)
{
    /// <summary>Categories listed at most.</summary>
    public const int MaxCategories = 1000;
}

/// <summary>How many matches one category has.</summary>
/// <param name="CategoryId">Category id.</param>
/// <param name="Count">Matching products in it.</param>
public sealed record CategoryCount([property: MaxLength(40)] string CategoryId, [property: Range(0, int.MaxValue)] int Count);
