using System.Globalization;
using System.Text;

namespace Agora.GraphQL.Backends;

/// <summary>Orders from Ordering's REST API, with the caller's token (a customer sees their own orders, staff all).</summary>
internal sealed class OrderingBackend(RestBackend rest)
{
    public const string Service = "ordering";

    /// <summary>Customers per <c>/api/v1/customer-orders</c> call (the endpoint's maximum).</summary>
    public const int MaxCustomersPerCall = 100;

    /// <summary>One order, or null when it does not exist or is not the caller's.</summary>
    public async Task<OrderModel?> GetOrderAsync(string id, CancellationToken ct) =>
        (await rest.GetAsync<OrderModel>(Service, "/api/v1/orders/" + Uri.EscapeDataString(id), ct, notFoundIsNull: true))?.Data;

    /// <summary>
    /// The newest <paramref name="limit"/> orders of each customer, one call per 100 customers. Customers the caller may
    /// not see are absent from the answer.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<OrderModel>>> OrdersOfCustomersAsync(
        IReadOnlyList<string> customerIds, int limit, CancellationToken ct)
    {
        var result = new Dictionary<string, IReadOnlyList<OrderModel>>(StringComparer.Ordinal);
        foreach (var chunk in customerIds.Chunk(MaxCustomersPerCall))
        {
            var path = new StringBuilder("/api/v1/customer-orders?limit=").Append(limit.ToString(CultureInfo.InvariantCulture))
                .Append("&customer_ids=").AppendJoin(',', chunk.Select(Uri.EscapeDataString));

            var page = await rest.GetAsync<List<CustomerOrdersModel>>(Service, path.ToString(), ct);
            foreach (var entry in page?.Data ?? [])
            {
                result[entry.CustomerId] = entry.Orders;
            }
        }

        return result;
    }
}
