using System.Globalization;
using System.Text;
using Agora.Contracts.Catalog.V1;
using Grpc.Core;

namespace Agora.GraphQL.Backends;

/// <summary>Filters of the product list (Catalog's <c>GET /api/v1/products</c> query parameters).</summary>
public sealed record ProductFilter(string? CategoryId, string? Q, string? MinPrice, string? MaxPrice, string? Sort, int Limit, string? After);

/// <summary>
/// The catalogue: gRPC <c>GetProducts</c> for batches by id (up to 100 per call), REST for lists and categories.
/// Catalogue reads are anonymous; the caller's token goes along all the same.
/// </summary>
internal sealed class CatalogBackend(RestBackend rest, CatalogService.CatalogServiceClient grpc, CallerContext caller)
{
    public const string Service = "catalog";

    /// <summary>Ids per <c>GetProducts</c> call (the RPC's maximum).</summary>
    public const int MaxIdsPerCall = 100;

    public async Task<IReadOnlyDictionary<string, ProductModel>> GetProductsAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var result = new Dictionary<string, ProductModel>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(MaxIdsPerCall))
        {
            var request = new GetProductsRequest();
            request.ProductIds.AddRange(chunk);
            GetProductsResponse response;
            try
            {
                response = await grpc.GetProductsAsync(request, headers: caller.GrpcHeaders(), cancellationToken: ct);
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
            {
                throw GrpcErrors.Map(Service, e);
            }

            foreach (var p in response.Products)
            {
                result[p.Id] = new ProductModel(p.Id, p.Sku, p.Name, p.Description, p.CategoryId,
                    new MoneyModel(p.Price?.Amount ?? "0", p.Price?.Currency ?? ""), p.Status, p.Available,
                    DateTimeOffset.FromUnixTimeSeconds(p.UpdatedAt),
                    new AvailabilityModel(string.IsNullOrEmpty(p.AvailabilityStatus) ? (p.Available > 0 ? "in_stock" : "out_of_stock") : p.AvailabilityStatus,
                        p.Available));
            }
        }

        return result;
    }

    public async Task<PageModel<ProductModel>> ListProductsAsync(ProductFilter filter, CancellationToken ct)
    {
        var path = new StringBuilder("/api/v1/products?per_page=").Append(filter.Limit.ToString(CultureInfo.InvariantCulture));
        Append(path, "category", filter.CategoryId);
        Append(path, "q", filter.Q);
        Append(path, "min_price", filter.MinPrice);
        Append(path, "max_price", filter.MaxPrice);
        Append(path, "sort", filter.Sort);
        Append(path, "cursor", filter.After);
        var page = await rest.GetAsync<List<RestProduct>>(Service, path.ToString(), ct);
        return new PageModel<ProductModel>((page?.Data ?? []).Select(p => p.ToModel()).ToList(), page?.Pagination?.Total ?? 0,
            page?.Pagination?.NextCursor);
    }

    public async Task<IReadOnlyList<CategoryModel>> ListCategoriesAsync(CancellationToken ct) =>
        (await rest.GetAsync<List<CategoryModel>>(Service, "/api/v1/categories", ct))?.Data ?? [];

    internal static void Append(StringBuilder path, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            path.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }

    /// <summary>Catalog's REST <c>ProductDto</c>, with its availability.</summary>
    private sealed record RestProduct(string Id, string Sku, string Name, string? Description, string CategoryId, MoneyModel Price,
        string Status, DateTimeOffset? UpdatedAt, AvailabilityModel? Availability)
    {
        public ProductModel ToModel() => new(Id, Sku, Name, Description ?? "", CategoryId, Price, Status, Availability?.Available, UpdatedAt, Availability);
    }
}
