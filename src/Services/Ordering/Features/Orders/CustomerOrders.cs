using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Agora.Http;
using Agora.Auth;
using Agora.Ordering.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Validator = Agora.Http.Validator;

namespace Agora.Ordering.Features.Orders;

/// <summary>One customer's newest orders (full detail views) and how many orders the customer has in all.</summary>
public sealed record CustomerOrdersDto(
    [property: MaxLength(64)] string CustomerId,
    [property: MaxLength(CustomerOrders.MaxLimit)] IReadOnlyList<OrderDto> Orders,
    [property: Range(0, long.MaxValue)] long Total);

/// <summary>
/// <c>GET /api/v1/customer-orders?customer_ids=a,b&amp;limit=20</c>: the newest orders of many customers in
/// one call, with their items, for readers that would otherwise ask once per customer and once per order (the GraphQL
/// BFF's <c>User.orders</c>). The rules of <c>GET /api/v1/users/{id}/orders</c> apply per customer: staff see anyone's,
/// a customer only their own; a customer the caller may not see is left out of the answer, exactly as if it had no
/// entry (no existence leak). Three queries whatever the number of customers.
/// </summary>
internal static class CustomerOrders
{
    /// <summary>Most customers in one call.</summary>
    public const int MaxCustomers = 100;

    /// <summary>Longest <c>customer_ids</c>: 100 ids of up to 64 characters and their commas.</summary>
    public const int MaxCustomerIdsLength = (MaxCustomers * 65) - 1;

    /// <summary>Most orders per customer; default 20.</summary>
    public const int MaxLimit = 100;

    public static async Task<Results<ApiOk<IReadOnlyList<CustomerOrdersDto>>, ApiError>> Handle(
        [FromQuery(Name = "customer_ids"), MaxLength(MaxCustomerIdsLength), RegularExpression("^[A-Za-z0-9_.:,-]+$")] string? customer_ids,
        [Range(1, MaxLimit)] int? limit, HttpContext http, OrderingDbContext db, CancellationToken ct)
    {
        var ids = (customer_ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).ToList();
        var validator = new Validator();
        validator.Require(ids.Count > 0, "customer_ids", "Give at least one customer id.");
        validator.Require(ids.Count <= MaxCustomers, "customer_ids", $"At most {MaxCustomers} customers per call.");
        validator.Require(ids.All(i => i.Length <= 64 && i.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-')),
            "customer_ids", "Customer ids separated by commas: each at most 64 letters, digits or _ . : -");
        validator.Require(limit is null or >= 1 and <= MaxLimit, "limit", $"1 to {MaxLimit}.");
        if (!validator.IsValid)
        {
            return validator.ToError();
        }

        var visible = ids.Where(i => ReadOrders.MaySee(http.User, i)).ToList();
        var take = limit ?? 20;
        if (visible.Count == 0)
        {
            return ApiResults.Ok<IReadOnlyList<CustomerOrdersDto>>([]);
        }

        var totals = await db.Summaries.AsNoTracking().Where(s => visible.Contains(s.CustomerId))
            .GroupBy(s => s.CustomerId).Select(g => new { g.Key, Count = g.LongCount() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

        // Top N per customer, newest first: the rows with fewer than N newer rows of the same customer (a correlated
        // count, which both engines plan on the customer index; GroupBy + Take does not translate on SQLite).
        var newest = await db.Summaries.AsNoTracking()
            .Where(s => visible.Contains(s.CustomerId)
                && db.Summaries.Count(o => o.CustomerId == s.CustomerId
                    && (o.PlacedAt > s.PlacedAt || (o.PlacedAt == s.PlacedAt && string.Compare(o.OrderId, s.OrderId) > 0))) < take)
            .Select(s => new { s.OrderId, s.CustomerId, s.PlacedAt })
            .ToListAsync(ct);
        var orderIds = newest.Select(n => n.OrderId).ToList();
        var documents = await db.Details.AsNoTracking().Where(d => orderIds.Contains(d.OrderId))
            .ToDictionaryAsync(d => d.OrderId, d => d.Document, ct);

        IReadOnlyList<CustomerOrdersDto> result = visible.Select(customer => new CustomerOrdersDto(
            customer,
            newest.Where(n => n.CustomerId == customer && documents.ContainsKey(n.OrderId))
                .OrderByDescending(n => n.PlacedAt).ThenByDescending(n => n.OrderId, StringComparer.Ordinal)
                .Select(n => JsonSerializer.Deserialize<OrderDto>(documents[n.OrderId], EventStore.Json)!).ToList(),
            totals.GetValueOrDefault(customer))).ToList();
        return ApiResults.Ok(result);
    }
}
