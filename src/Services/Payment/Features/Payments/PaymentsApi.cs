using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Agora.Http;
using Agora.Auth;
using Agora.Payment.Infrastructure;
using Agora.Primitives;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Validator = Agora.Http.Validator;

namespace Agora.Payment.Features.Payments;

/// <summary>Query parameters of the payment list.</summary>
public sealed class PaymentListQuery
{
    /// <summary>The longest cursor this list takes (its own are far shorter).</summary>
    public const int MaxCursorLength = 512;

    /// <summary>Only the payment of this order (the caller's own, unless staff).</summary>
    [FromQuery(Name = "order_id"), MaxLength(100), Description("Only the payment of this order.")] public string? OrderId { get; init; }

    /// <summary>Only payments with this status.</summary>
    [FromQuery(Name = "status"), ApiEnum(typeof(PaymentStatus)), Description("Only payments with this status.")] public string? Status { get; init; }

    /// <summary>Items per page, 1–100, default 20.</summary>
    [FromQuery(Name = "per_page"), Range(1, Paging.MaxPerPage), Description("Items per page. Default 20.")] public int? PerPage { get; init; }

    /// <summary>Opaque cursor from <c>pagination.next_cursor</c>.</summary>
    [FromQuery(Name = "cursor"), MaxLength(MaxCursorLength), RegularExpression("^[A-Za-z0-9_-]+$"), Description("Opaque cursor from pagination.next_cursor.")] public string? Cursor { get; init; }
}

/// <summary>
/// Read-only REST for payments (mutations are gRPC and the saga's messages): a customer reads and lists their own
/// payments; staff read and list them all (for example: every captured payment belongs to a confirmed order).
/// </summary>
internal static class PaymentsApi
{
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/payments").WithTags("Payments");
        group.MapGet("/{id}", Get).WithName("GetPayment").WithSummary("A payment, with the provider calls made for it")
            .WithDescription("One payment by id. Its customer (a token with read:payments whose subject is the payment's customer) "
                + "or an admin may read it; to anyone else it does not exist (404).")
            .ProducesError(StatusCodes.Status404NotFound, "PAYMENT_NOT_FOUND")
            .RequireAuthorization(PaymentPolicies.Read);
        group.MapGet("/", List).WithName("ListPayments").WithSummary("Payments, newest first, by order and status; cursor-paged")
            .WithDescription("A page of payments, newest first, optionally only an order's or only those with a status. "
                + "A customer (a token with read:payments) sees only the payments whose customer they are; an admin sees every "
                + "payment. Follow pagination.next_cursor for the next page.")
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError)
            .RequireAuthorization(PaymentPolicies.Read);
        return app;
    }

    private static async Task<Results<ApiOk<PaymentDto>, ApiError>> Get(string id, HttpContext context, PaymentDbContext db, CancellationToken ct)
    {
        var payment = Ids.HasPrefix(id, "pay")
            ? await db.Payments.AsNoTracking().Include(p => p.Operations).FirstOrDefaultAsync(p => p.Id == id && !p.Placeholder, ct)
            : null;
        var user = context.User;
        if (payment is null || !(PaymentPolicies.IsStaff(user) || user.FindFirst(AgoraClaims.Subject)?.Value == payment.CustomerId))
        {
            return ApiResults.NotFound("PAYMENT_NOT_FOUND", $"Payment '{(id.Length <= 64 ? id : id[..64] + "…")}' does not exist.");
        }

        return ApiResults.Ok(PaymentDto.From(payment, withOperations: true));
    }

    private static async Task<Results<ApiOk<IReadOnlyList<PaymentDto>>, ApiError>> List(
        [AsParameters] PaymentListQuery query, HttpContext context, PaymentDbContext db, CancellationToken ct)
    {
        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, null, query.Cursor, v);
        PaymentStatus? status = null;
        if (!string.IsNullOrEmpty(query.Status))
        {
            if (Names.TryParse(query.Status, out var s))
            {
                status = s;
            }
            else
            {
                v.Add("status", "One of pending, authorized, declined, captured, capture_failed, voided, refunded.");
            }
        }

        v.Require(query.OrderId is null || query.OrderId.Length <= 100, "order_id", "At most 100 characters.");
        v.Require(query.Cursor is null || query.Cursor.Length <= PaymentListQuery.MaxCursorLength, "cursor",
            $"At most {PaymentListQuery.MaxCursorLength} characters; use pagination.next_cursor of a previous response.");
        var after = Keyset.ReadCursor<CreatedPosition>(query.Cursor, v,
            message: "Invalid cursor; use pagination.next_cursor of a previous response.");

        if (!v.IsValid)
        {
            return v.ToError();
        }

        var filtered = db.Payments.AsNoTracking().Where(p => !p.Placeholder);
        if (!PaymentPolicies.IsStaff(context.User))
        {
            // Ownership: a customer's list holds their own payments only, whatever the filters name.
            var customerId = context.User.FindFirst(AgoraClaims.Subject)?.Value ?? "";
            filtered = filtered.Where(p => p.CustomerId == customerId);
        }
        if (!string.IsNullOrEmpty(query.OrderId))
        {
            filtered = filtered.Where(p => p.OrderId == query.OrderId);
        }

        if (status is { } st)
        {
            filtered = filtered.Where(p => p.Status == st);
        }

        var total = await filtered.LongCountAsync(ct);
        var items = await filtered.OrderAfter(p => p.CreatedAt, p => p.Id, descending: true, after?.At)
            .Take(perPage + 1).ToListAsync(ct);
        var next = Keyset.TrimToPage(items, perPage, p => CreatedPosition.Of(p.CreatedAt, p.Id));

        return ApiResults.Page(items.Select(p => PaymentDto.From(p, withOperations: false)).ToList(), Paging.Info(perPage, total, next));
    }
}
