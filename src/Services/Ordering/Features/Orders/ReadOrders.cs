using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Agora.Http;
using Agora.Auth;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Saga;
using Agora.Ordering.Infrastructure;
using Agora.Primitives;
using Microsoft.EntityFrameworkCore;
using Validator = Agora.Http.Validator;

namespace Agora.Ordering.Features.Orders;

/// <summary>One event of an order's history (the audit log).</summary>
public sealed record OrderEventDto(int Version, [property: MaxLength(40)] string Type, DateTimeOffset OccurredAt, JsonElement Data);

/// <summary>Reads: the detail view (now, or as it was at a version or a time), the history, and the lists.</summary>
internal static class ReadOrders
{
    private static readonly string[] Statuses = Enum.GetValues<OrderStatus>().Select(s => s.Wire()).ToArray();

    /// <summary>The longest <c>as_of</c>: an RFC 3339 date-time with seven fraction digits and an offset is 33.</summary>
    public const int AsOfMaxLength = 40;

    /// <summary>
    /// Customers see their own orders; staff (role and <c>admin:ops</c> together) see every order. Anyone else gets a
    /// 404 (no existence leak).
    /// </summary>
    public static bool MaySee(ClaimsPrincipal user, string customerId) =>
        OrderingPolicies.IsStaff(user) || string.Equals(user.FindFirstValue(AgoraClaims.Subject), customerId, StringComparison.Ordinal);

    public static ApiError NotFound(string id) =>
        ApiResults.NotFound("ORDER_NOT_FOUND", $"Order '{(id.Length <= 64 ? id : id[..64] + "…")}' does not exist.");

    public static async Task<Results<ApiOk<OrderDto>, ApiError>> Get(
        string id, [MaxLength(AsOfMaxLength)] string? as_of, [Range(1, int.MaxValue)] int? version, HttpContext http, OrderingDbContext db, CancellationToken ct)
    {
        var validator = new Validator();
        DateTimeOffset? asOf = null;
        if (as_of is { Length: > AsOfMaxLength })
        {
            validator.Add("as_of", $"At most {AsOfMaxLength} characters: an RFC 3339 date-time, e.g. 2026-11-25T10:00:00Z.");
        }
        else if (as_of is not null)
        {
            if (DateTimeOffset.TryParse(as_of, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) && as_of.Contains('T', StringComparison.Ordinal))
            {
                asOf = parsed;
            }
            else
            {
                validator.Add("as_of", "An RFC 3339 date-time, e.g. 2026-11-25T10:00:00Z.");
            }
        }

        validator.Require(version is null or >= 1, "version", "Must be 1 or greater.");
        validator.Require(as_of is null || version is null, "as_of", "Give either as_of or version, not both.");
        if (!validator.IsValid)
        {
            return validator.ToError();
        }

        if (!Ids.HasPrefix(id, "ord"))
        {
            return NotFound(id);
        }

        if (asOf is null && version is null)
        {
            var detail = await db.Details.AsNoTracking().FirstOrDefaultAsync(d => d.OrderId == id, ct);
            if (detail is null || !MaySee(http.User, detail.CustomerId))
            {
                return NotFound(id);
            }

            return ApiResults.Ok(JsonSerializer.Deserialize<OrderDto>(detail.Document, EventStore.Json)!, Preconditions.ETag(detail.Version));
        }

        // Time travel: fold the stream only up to the version or the instant asked for.
        var events = await new EventStore(db).ReadStreamAsync(id, version, asOf, ct);
        var state = OrderState.Fold(events.Select(e => e.Event));
        var owner = events.Count > 0 ? state!.Customer.CustomerId
            : await db.Summaries.AsNoTracking().Where(s => s.OrderId == id).Select(s => s.CustomerId).FirstOrDefaultAsync(ct);
        if (owner is null || !MaySee(http.User, owner))
        {
            return NotFound(id);
        }

        if (state is null)
        {
            return ApiResults.NotFound("ORDER_NOT_YET_PLACED", "The order did not exist at that time.");
        }

        if (version is { } v && v > state.Version)
        {
            return ApiResults.NotFound("ORDER_VERSION_NOT_FOUND", $"The order has {state.Version} versions.");
        }

        return ApiResults.Ok(OrderProjection.View(state));
    }

    public static async Task<Results<ApiOk<IReadOnlyList<OrderEventDto>>, ApiError>> Events(
        string id, HttpContext http, OrderingDbContext db, CancellationToken ct)
    {
        var rows = Ids.HasPrefix(id, "ord")
            ? await db.Events.AsNoTracking().Where(e => e.StreamId == id).OrderBy(e => e.Version).ToListAsync(ct)
            : [];
        if (rows.Count == 0)
        {
            return NotFound(id);
        }

        var placed = JsonSerializer.Deserialize<OrderEvent.Placed>(rows[0].Data, EventStore.Json)!;
        if (!MaySee(http.User, placed.Customer.CustomerId))
        {
            return NotFound(id);
        }

        IReadOnlyList<OrderEventDto> history = rows.Select(r => new OrderEventDto(r.Version, r.Type,
            new DateTimeOffset(DateTime.SpecifyKind(r.OccurredAt, DateTimeKind.Utc)), JsonDocument.Parse(r.Data).RootElement.Clone())).ToList();
        return ApiResults.Ok(history);
    }

    /// <summary><c>GET /api/v1/orders</c>: the caller's orders, newest first; staff may name a <c>customer_id</c>.</summary>
    public static Task<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>> Mine(
        [ApiEnum(typeof(OrderStatus))] string? status, [MaxLength(OrderViewLimits.CustomerId)] string? customer_id, [Range(1, Paging.MaxPerPage)] int? per_page,
        [MaxLength(Paging.MaxCursorLength)] string? cursor, HttpContext http, OrderingDbContext db, CancellationToken ct)
    {
        if (customer_id is { Length: > OrderViewLimits.CustomerId })
        {
            return Task.FromResult<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>>(
                ApiResults.Validation("customer_id", $"At most {OrderViewLimits.CustomerId} characters."));
        }

        var admin = OrderingPolicies.IsStaff(http.User);
        var customer = admin ? customer_id : http.User.FindFirstValue(AgoraClaims.Subject);
        if (!admin && customer_id is not null && customer_id != customer)
        {
            return Task.FromResult<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>>(
                ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Customers list their own orders only."));
        }

        return ListAsync(db, customer, status, null, per_page, cursor, ct);
    }

    /// <summary><c>GET /api/v1/users/{id}/orders</c> (guide §1.2): a customer's orders, for that customer or staff.</summary>
    public static Task<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>> OfUser(
        string id, [ApiEnum(typeof(OrderStatus))] string? status, [Range(1, Paging.MaxPerPage)] int? per_page, [MaxLength(Paging.MaxCursorLength)] string? cursor,
        HttpContext http, OrderingDbContext db, CancellationToken ct) =>
        MaySee(http.User, id)
            ? ListAsync(db, id, status, null, per_page, cursor, ct)
            : Task.FromResult<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>>(ApiResults.NotFound("USER_NOT_FOUND", "No such user."));

    /// <summary>Keyset paging over the summary read model: newest first, cursor = (placed_at, order id) of the last row.</summary>
    public static async Task<Results<ApiOk<IReadOnlyList<OrderSummaryDto>>, ApiError>> ListAsync(
        OrderingDbContext db, string? customerId, string? status, string? sagaState, int? perPageParam, string? cursor, CancellationToken ct)
    {
        var validator = new Validator();
        var perPage = Paging.PerPage(perPageParam, null, cursor, validator);
        validator.Require(status is null || Statuses.Contains(status), "status", "One of: " + string.Join(", ", Statuses) + ".");
        Position? after = null;
        if (cursor is not null && !Paging.TryDecodeCursor(cursor, out after))
        {
            validator.Add("cursor", "Not a cursor this API issued.");
        }

        if (!validator.IsValid)
        {
            return validator.ToError();
        }

        var query = db.Summaries.AsNoTracking();
        if (customerId is not null)
        {
            query = query.Where(s => s.CustomerId == customerId);
        }

        if (status is not null)
        {
            query = query.Where(s => s.Status == status);
        }

        if (sagaState is not null)
        {
            query = query.Where(s => s.SagaStep == sagaState);
        }

        var total = await query.LongCountAsync(ct);
        if (after is not null)
        {
            var at = after.PlacedAt;
            var id = after.Id;
            query = query.Where(s => s.PlacedAt < at || (s.PlacedAt == at && string.Compare(s.OrderId, id) < 0));
        }

        var rows = await query.OrderByDescending(s => s.PlacedAt).ThenByDescending(s => s.OrderId).Take(perPage + 1).ToListAsync(ct);
        var next = rows.Count > perPage ? Paging.EncodeCursor(new Position(rows[perPage - 1].PlacedAt, rows[perPage - 1].OrderId)) : null;
        IReadOnlyList<OrderSummaryDto> page = rows.Take(perPage).Select(OrderProjection.Summary).ToList();
        return ApiResults.Page(page, Paging.Info(perPage, total, next));
    }

    public sealed record Position(DateTime PlacedAt, string Id);
}

/// <summary>
/// <c>POST /api/v1/orders/{id}/cancel</c>: the customer turns the saga back while the order is cancellable. The decision
/// is taken on the order's current state and committed with its expected version; when the saga moves in between, it is
/// taken again on the new state, up to <see cref="MaxAttempts"/> times; an order that keeps changing is answered 409
/// <c>ORDER_BUSY</c> with <c>Retry-After</c>, having changed nothing.
/// </summary>
internal static class CancelOrder
{
    public const int MaxAttempts = 4;

    public static async Task<Results<ApiAccepted<OrderDto>, ApiError>> Handle(string id, HttpContext http, IServiceScopeFactory scopes, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            // A fresh processor (DbContext and outbox) per attempt: after a lost race the old one's outbox still holds
            // the lost decision's messages, and its next commit would send them along.
            await using var scope = scopes.CreateAsyncScope();
            var processor = scope.ServiceProvider.GetRequiredService<OrderProcessor>();
            var order = Ids.HasPrefix(id, "ord") ? await processor.LoadAsync(id, ct) : null;
            if (order is null || !ReadOrders.MaySee(http.User, order.Customer.CustomerId))
            {
                return ReadOrders.NotFound(id);
            }

            if (order.Status is OrderStatus.Cancelled or OrderStatus.Cancelling)
            {
                return ApiResults.Accepted($"/api/v1/orders/{order.Id}", OrderProjection.View(order)); // cancelling twice is the same as once
            }

            if (!OrderSaga.IsCancellable(order))
            {
                return ApiResults.Conflict("ORDER_NOT_CANCELLABLE",
                    $"The order is {order.Status.Wire()} (saga at {order.Step.Wire()}); it can no longer be cancelled.");
            }

            try
            {
                var by = OrderingPolicies.IsStaff(http.User) && http.User.FindFirstValue(AgoraClaims.Subject) != order.Customer.CustomerId ? "staff" : "customer";
                await processor.CommitAsync(order, [new OrderEvent.CompensationStarted(processor.Now, $"cancelled by {by}", "customer")], ct);
                return ApiResults.Accepted($"/api/v1/orders/{order.Id}", OrderProjection.View(order));
            }
            catch (StreamConcurrencyException)
            {
                // The saga moved meanwhile: decide again on the new state.
            }
        }

        return new ApiError(StatusCodes.Status409Conflict, "ORDER_BUSY",
            "The order kept changing while it was being cancelled; nothing was changed. Try again.", null) { RetryAfter = TimeSpan.FromSeconds(1) };
    }
}
