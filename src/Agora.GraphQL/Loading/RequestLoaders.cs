using Agora.GraphQL.Backends;
using GraphQL.DataLoader;

namespace Agora.GraphQL.Loading;

/// <summary>
/// The DataLoaders of one GraphQL request (scoped): products by id (Catalog gRPC <c>GetProducts</c>, 100 per call),
/// orders by customer (Ordering <c>/api/v1/customer-orders</c>, 100 customers per call) and the category list (one
/// REST call, shared by every <c>Product.category</c>). So a query for 20 users with their orders, items, products and
/// categories costs one call per kind, not one per user, order or item.
/// </summary>
internal sealed class RequestLoaders(CatalogBackend catalog, OrderingBackend ordering)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, BatchLoader<string, IReadOnlyList<OrderModel>>> _ordersByLimit = [];
    private BatchLoader<string, ProductModel>? _products;
    private Task<IReadOnlyDictionary<string, CategoryModel>>? _categories;

    public BatchLoader<string, ProductModel> Products
    {
        get
        {
            lock (_lock)
            {
                return _products ??= new BatchLoader<string, ProductModel>(catalog.GetProductsAsync);
            }
        }
    }

    /// <summary>The newest <paramref name="limit"/> orders of a customer (batched per distinct limit).</summary>
    public IDataLoaderResult<IReadOnlyList<OrderModel>?> OrdersOf(string customerId, int limit)
    {
        BatchLoader<string, IReadOnlyList<OrderModel>> loader;
        lock (_lock)
        {
            if (!_ordersByLimit.TryGetValue(limit, out loader!))
            {
                loader = new BatchLoader<string, IReadOnlyList<OrderModel>>((ids, ct) => ordering.OrdersOfCustomersAsync(ids, limit, ct));
                _ordersByLimit[limit] = loader;
            }
        }

        return loader.Load(customerId);
    }

    /// <summary>Every category by id, fetched once per request.</summary>
    public Task<IReadOnlyDictionary<string, CategoryModel>> CategoriesAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            return Shared.AwaitAsync(_categories ??= FetchAsync());
        }

        async Task<IReadOnlyDictionary<string, CategoryModel>> FetchAsync() =>
            (await catalog.ListCategoriesAsync(ct)).ToDictionary(c => c.Id, StringComparer.Ordinal);
    }
}
