using Agora.GraphQL.Backends;
using Agora.GraphQL.Loading;
using Agora.GraphQL.Execution;
using GraphQL;
using GraphQL.Types;

namespace Agora.GraphQL.Schema;

/// <summary><c>Money</c>: an exact decimal amount as a string and its ISO 4217 currency.</summary>
internal sealed class MoneyType : ObjectGraphType<MoneyModel>
{
    public MoneyType()
    {
        Name = "Money";
        Description = "An amount of money: a decimal string (never a float) and an ISO 4217 currency code.";
        Field<NonNullGraphType<StringGraphType>>("amount").Description("Decimal amount, e.g. \"50000\" or \"12.50\".").Resolve(c => c.Source.Amount);
        Field<NonNullGraphType<StringGraphType>>("currency").Description("ISO 4217 code, e.g. KRW.").Resolve(c => c.Source.Currency);
    }
}

/// <summary><c>ProductStatus</c>.</summary>
internal sealed class ProductStatusType : EnumerationGraphType
{
    public ProductStatusType()
    {
        Name = "ProductStatus";
        Description = "Whether a product is for sale.";
        Add("ACTIVE", "active", "For sale.");
        Add("DRAFT", "draft", "Not yet for sale.");
        Add("DISCONTINUED", "discontinued", "No longer sold.");
    }
}

/// <summary><c>AvailabilityStatus</c>.</summary>
internal sealed class AvailabilityStatusType : EnumerationGraphType
{
    public AvailabilityStatusType()
    {
        Name = "AvailabilityStatus";
        Description = "Whether a product can be ordered now.";
        Add("IN_STOCK", "in_stock", "More units available than Catalog's low-stock threshold.");
        Add("LOW_STOCK", "low_stock", "A few units left (1 to Catalog's low-stock threshold, default 5).");
        Add("OUT_OF_STOCK", "out_of_stock", "None available (all sold or reserved).");
    }
}

/// <summary><c>ProductAvailability</c>.</summary>
internal sealed class ProductAvailabilityType : ObjectGraphType<AvailabilityModel>
{
    public ProductAvailabilityType()
    {
        Name = "ProductAvailability";
        Description = "Whether a product can be ordered now, and how many units (Catalog's availability).";
        Field<NonNullGraphType<AvailabilityStatusType>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<IntGraphType>>("available").Description("Units that can be ordered now: on hand minus reserved.").Resolve(c => c.Source.Available);
    }
}

/// <summary><c>Category</c>.</summary>
internal sealed class CategoryType : ObjectGraphType<CategoryModel>
{
    public CategoryType()
    {
        Name = "Category";
        Description = "A catalogue category.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<StringGraphType>>("slug").Resolve(c => c.Source.Slug);
        Field<NonNullGraphType<StringGraphType>>("description").Resolve(c => c.Source.Description);
    }
}

/// <summary><c>Product</c>.</summary>
internal sealed class ProductType : ObjectGraphType<ProductModel>
{
    public ProductType()
    {
        Name = "Product";
        Description = "A product of the catalogue (Catalog).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("sku").Resolve(c => c.Source.Sku);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<StringGraphType>>("description").Resolve(c => c.Source.Description);
        Field<NonNullGraphType<MoneyType>>("price").Resolve(c => c.Source.Price);
        Field<NonNullGraphType<ProductStatusType>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<IdGraphType>>("categoryId").Resolve(c => c.Source.CategoryId);
        Field<CategoryType>("category").BackendCall().Description("The product's category (one catalogue call per request, whatever the number of products).")
            .ResolveAsync(async c => (await c.Loaders().CategoriesAsync(c.CancellationToken)).GetValueOrDefault(c.Source.CategoryId));
        Field<NonNullGraphType<IntGraphType>>("available").Description("Units in stock and not reserved (batched by id).")
            .Resolve(c => c.Source.Available is { } known
                ? new KnownResult<int>(known)
                : new MappedResult<ProductModel?, int>(c.Loaders().Products.Load(c.Source.Id), p => p?.Available ?? 0));
        Field<NonNullGraphType<ProductAvailabilityType>>("availability")
            .Description("Whether it can be ordered now and how many units, as Catalog says (with lists, no extra call).")
            .Resolve(c => c.Source.Availability is { } known
                ? new KnownResult<AvailabilityModel>(known)
                : new MappedResult<ProductModel?, AvailabilityModel>(c.Loaders().Products.Load(c.Source.Id),
                    p => p?.Availability ?? new AvailabilityModel("out_of_stock", 0)));
        Field<DateTimeGraphType>("updatedAt").Resolve(c => c.Source.UpdatedAt?.UtcDateTime);
    }
}

/// <summary><c>ProductPage</c>.</summary>
internal sealed class ProductPageType : ObjectGraphType<PageModel<ProductModel>>
{
    public ProductPageType()
    {
        Name = "ProductPage";
        Description = "A page of products; pass nextCursor as after for the next one.";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ProductType>>>>("items").Resolve(c => c.Source.Items);
        Field<NonNullGraphType<IntGraphType>>("total").Description("Products matching, on every page.").Resolve(c => (int)Math.Min(c.Source.Total, int.MaxValue));
        Field<StringGraphType>("nextCursor").Description("Cursor of the next page; null on the last one.").Resolve(c => c.Source.NextCursor);
    }
}

/// <summary><c>SearchHighlights</c>.</summary>
internal sealed class SearchHighlightsType : ObjectGraphType<HighlightsModel>
{
    public SearchHighlightsType()
    {
        Name = "SearchHighlights";
        Description = "Where the query matched: fragments with the matching words in <em>…</em>, HTML-escaped.";
        Field<StringGraphType>("name").Description("The name, when the query matched it.").Resolve(c => c.Source.Name);
        Field<StringGraphType>("description").Description("The best fragment of the description, when the query matched it.").Resolve(c => c.Source.Description);
    }
}

/// <summary><c>SearchHit</c>.</summary>
internal sealed class SearchHitType : ObjectGraphType<SearchHitModel>
{
    public SearchHitType()
    {
        Name = "SearchHit";
        Description = "One search result: the product as Catalog has it now, with the search relevance.";
        Field<NonNullGraphType<IdGraphType>>("productId").Resolve(c => c.Source.Id);
        Field<ProductType>("product").BackendCall().Description("The product as Catalog has it now (batched by id); null if it was deleted since it was indexed.")
            .Resolve(c => c.Loaders().Products.Load(c.Source.Id));
        Field<FloatGraphType>("score").Description("BM25 relevance when sorted by relevance; higher is better.").Resolve(c => c.Source.Score);
        Field<SearchHighlightsType>("highlights").Resolve(c => c.Source.Highlights);
    }
}

/// <summary><c>CategoryFacet</c>.</summary>
internal sealed class CategoryFacetType : ObjectGraphType<CategoryCountModel>
{
    public CategoryFacetType()
    {
        Name = "CategoryFacet";
        Description = "How many matches a category has (ignoring the category filter itself).";
        Field<NonNullGraphType<IdGraphType>>("categoryId").Resolve(c => c.Source.CategoryId);
        Field<CategoryType>("category").BackendCall()
            .ResolveAsync(async c => (await c.Loaders().CategoriesAsync(c.CancellationToken)).GetValueOrDefault(c.Source.CategoryId));
        Field<NonNullGraphType<IntGraphType>>("count").Resolve(c => c.Source.Count);
    }
}

/// <summary><c>SearchResults</c>.</summary>
internal sealed class SearchResultsType : ObjectGraphType<SearchPageModel>
{
    public SearchResultsType()
    {
        Name = "SearchResults";
        Description = "A page of search hits, best first, with category facets over every match.";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SearchHitType>>>>("items").Resolve(c => c.Source.Items);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CategoryFacetType>>>>("categoryFacets")
            .WithComplexityImpact(c => Resolving.ListImpact(c)).Resolve(c => c.Source.Categories);
        Field<NonNullGraphType<IntGraphType>>("total").Description("Matches, on every page.").Resolve(c => (int)Math.Min(c.Source.Total, int.MaxValue));
        Field<StringGraphType>("nextCursor").Description("Cursor of the next page; null on the last one.").Resolve(c => c.Source.NextCursor);
    }
}
