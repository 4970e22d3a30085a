using Agora.GraphQL.Backends;
using Agora.GraphQL.Loading;
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
        Field<CategoryType>("category").Description("The product's category (one catalogue call per request, whatever the number of products).")
            .ResolveAsync(async c => (await c.Loaders().CategoriesAsync(c.CancellationToken)).GetValueOrDefault(c.Source.CategoryId));
        Field<NonNullGraphType<IntGraphType>>("available").Description("Units in stock and not reserved (batched by id).")
            .Resolve(c => c.Source.Available is { } known
                ? new KnownResult<int>(known)
                : new MappedResult<ProductModel?, int>(c.Loaders().Products.Load(c.Source.Id), p => p?.Available ?? 0));
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

/// <summary><c>SearchHit</c>.</summary>
internal sealed class SearchHitType : ObjectGraphType<SearchHitModel>
{
    public SearchHitType()
    {
        Name = "SearchHit";
        Description = "One search result: the product as Catalog has it now, with the search relevance.";
        Field<ProductType>("product").Description("Null if the product was deleted since it was indexed.")
            .Resolve(c => c.Loaders().Products.Load(c.Source.ProductId));
        Field<NonNullGraphType<IdGraphType>>("productId").Resolve(c => c.Source.ProductId);
        Field<FloatGraphType>("score").Description("Relevance (BM25); higher is better.").Resolve(c => c.Source.Score);
        Field<StringGraphType>("highlight").Description("The matching text with the matches marked, where Search gives it.").Resolve(c => c.Source.Highlight);
    }
}

/// <summary><c>SearchResults</c>.</summary>
internal sealed class SearchResultsType : ObjectGraphType<PageModel<SearchHitModel>>
{
    public SearchResultsType()
    {
        Name = "SearchResults";
        Description = "A page of search hits, best first.";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SearchHitType>>>>("items").Resolve(c => c.Source.Items);
        Field<NonNullGraphType<IntGraphType>>("total").Resolve(c => (int)Math.Min(c.Source.Total, int.MaxValue));
        Field<StringGraphType>("nextCursor").Resolve(c => c.Source.NextCursor);
    }
}
