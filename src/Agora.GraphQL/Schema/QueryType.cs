using Agora.GraphQL.Backends;
using Agora.GraphQL.Execution;
using GraphQL;
using GraphQL.Types;

namespace Agora.GraphQL.Schema;

/// <summary><c>Query</c>: the guide §2.3's <c>user</c> and <c>users</c>, plus orders, the catalogue and search.</summary>
internal sealed class QueryType : ObjectGraphType
{
    public QueryType()
    {
        Name = "Query";
        Field<UserType>("user").BackendCall()
            .Description("A user by id (\"me\" for yourself); null when it does not exist or is not yours to see. Needs read:users.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c => await c.Service<IdentityBackend>().GetUserAsync(c.GetArgument<string>("id"), c.CancellationToken));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserType>>>>("users").BackendCall()
            .Description("A page of users, newest first. Staff and services only (customers get FORBIDDEN).")
            .Argument<IntGraphType>("page", a => a.Description = "1-based page. Default 1.")
            .Argument<IntGraphType>("limit", a => a.Description = "Users per page, 1–100. Default 20.")
            .WithComplexityImpact(c => Resolving.ListImpact(c))
            .ResolveAsync(async c =>
            {
                var page = c.GetArgument<int?>("page") ?? 1;
                if (page < 1)
                {
                    throw new BackendException(GraphQLErrorCodes.ValidationError, "page must be 1 or more.", "graphql",
                        details: [new BackendFieldError("page", "1 or more.")]);
                }

                return await c.Service<IdentityBackend>().ListUsersAsync(page, c.Limit(), c.CancellationToken);
            });
        Field<OrderType>("order").BackendCall()
            .Description("An order by id; null when it does not exist or is not yours. Needs read:orders.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c => await c.Service<OrderingBackend>().GetOrderAsync(c.GetArgument<string>("id"), c.CancellationToken));
        Field<ProductType>("product").BackendCall()
            .Description("A product by id; null when there is none. Batched with every other product of the request.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(c => c.Loaders().Products.Load(c.GetArgument<string>("id")));
        Field<ProductPageType>("products").BackendCall()
            .Description("A page of the catalogue, filtered and sorted as GET /api/v1/products. Null (with an error) when Catalog is down.")
            .Argument<IdGraphType>("categoryId")
            .Argument<StringGraphType>("q", a => a.Description = "Text contained in the name.")
            .Argument<StringGraphType>("minPrice", a => a.Description = "Lowest price, a decimal string.")
            .Argument<StringGraphType>("maxPrice", a => a.Description = "Highest price, a decimal string.")
            .Argument<StringGraphType>("sort", a => a.Description = "created_at, price or name; - in front for descending. Default -created_at.")
            .Argument<IntGraphType>("limit", a => a.Description = "Products per page, 1–100. Default 20.")
            .Argument<StringGraphType>("after", a => a.Description = "nextCursor of the previous page.")
            .WithComplexityImpact(c => Resolving.ListImpact(c))
            .ResolveAsync(async c => await c.Service<CatalogBackend>().ListProductsAsync(new ProductFilter(
                c.GetArgument<string?>("categoryId"), c.GetArgument<string?>("q"), c.GetArgument<string?>("minPrice"),
                c.GetArgument<string?>("maxPrice"), c.GetArgument<string?>("sort"), c.Limit(), c.GetArgument<string?>("after")), c.CancellationToken));
        Field<ListGraphType<NonNullGraphType<CategoryType>>>("categories").BackendCall()
            .Description("Every category, by name. Null (with an error) when Catalog is down.")
            .WithComplexityImpact(c => Resolving.ListImpact(c))
            .ResolveAsync(async c => (await c.Loaders().CategoriesAsync(c.CancellationToken)).Values.OrderBy(x => x.Name, StringComparer.Ordinal).ToList());
        Field<CategoryType>("category").BackendCall()
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c => (await c.Loaders().CategoriesAsync(c.CancellationToken)).GetValueOrDefault(c.GetArgument<string>("id")));
        Field<SearchResultsType>("search").BackendCall()
            .Description("Full-text product search (the Search service): best matches first, typo-tolerant. Null with SERVICE_UNAVAILABLE when Search is down; the rest of the query is still answered.")
            .Argument<NonNullGraphType<StringGraphType>>("q")
            .Argument<IdGraphType>("categoryId")
            .Argument<StringGraphType>("minPrice")
            .Argument<StringGraphType>("maxPrice")
            .Argument<BooleanGraphType>("inStock")
            .Argument<StringGraphType>("sort", a => a.Description = "relevance (the default with q), price, -price, created_at, -created_at.")
            .Argument<IntGraphType>("limit", a => a.Description = "Hits per page, 1–100. Default 20.")
            .Argument<StringGraphType>("after")
            .WithComplexityImpact(c => Resolving.ListImpact(c))
            .ResolveAsync(async c => await c.Service<SearchBackend>().SearchAsync(new SearchQuery(
                c.GetArgument<string>("q"), c.GetArgument<string?>("categoryId"), c.GetArgument<string?>("minPrice"),
                c.GetArgument<string?>("maxPrice"), c.GetArgument<bool?>("inStock"), c.GetArgument<string?>("sort"), c.Limit(),
                c.GetArgument<string?>("after")), c.CancellationToken));
    }
}

/// <summary><c>Mutation</c>: the guide §2.3's <c>createUser</c> and <c>updateUser</c>.</summary>
internal sealed class MutationType : ObjectGraphType
{
    public MutationType()
    {
        Name = "Mutation";
        Field<NonNullGraphType<UserType>>("createUser").BackendCall()
            .Description("Opens an account (see CreateUserInput for who may).")
            .Argument<NonNullGraphType<CreateUserInputType>>("input")
            .ResolveAsync(async c => await c.Service<IdentityBackend>().CreateUserAsync(c.GetArgument<CreateUserInput>("input"), c.CancellationToken));
        Field<NonNullGraphType<UserType>>("updateUser").BackendCall()
            .Description("Changes a user: yourself, or anyone for staff (write:users). Services may not change users.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<NonNullGraphType<UpdateUserInputType>>("input")
            .ResolveAsync(async c => await c.Service<IdentityBackend>().UpdateUserAsync(c.GetArgument<string>("id"),
                c.GetArgument<UpdateUserInput>("input"), c.CancellationToken));
    }
}

/// <summary>The Agora GraphQL schema.</summary>
internal sealed class AgoraSchema : global::GraphQL.Types.Schema
{
    public AgoraSchema(IServiceProvider services, QueryType query, MutationType mutation)
        : base(services)
    {
        Query = query;
        Mutation = mutation;

        // The standard introspection query weighs thousands by the default multipliers; it is capped by depth instead
        // (AgoraGraphQLOptions.MaxIntrospectionDepth) and only answered where introspection is on.
        this.WithIntrospectionComplexityImpact(0);
        Description = "Agora's GraphQL API (the BFF): users, orders, the catalogue and search, resolved through the services' own APIs.";
    }
}
