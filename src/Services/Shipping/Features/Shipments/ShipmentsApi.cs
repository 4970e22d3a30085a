using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Agora.Http;
using Agora.Auth;
using Agora.Primitives;
using Agora.Shipping.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Validator = Agora.Http.Validator;

namespace Agora.Shipping.Features.Shipments;

/// <summary>Query parameters of the shipment list.</summary>
public sealed class ShipmentListQuery
{
    /// <summary>Only the shipment of this order.</summary>
    [FromQuery(Name = "order_id"), MaxLength(100), Description("Only the shipment of this order (an order has at most one).")] public string? OrderId { get; init; }

    /// <summary>Staff only: only this customer's shipments.</summary>
    [FromQuery(Name = "customer_id"), MaxLength(100), Description("Staff only: only this customer's shipments.")] public string? CustomerId { get; init; }

    /// <summary>Items per page, 1–100, default 20.</summary>
    [FromQuery(Name = "per_page"), Range(1, Paging.MaxPerPage), Description("Items per page. Default 20.")] public int? PerPage { get; init; }

    /// <summary>Opaque cursor from <c>pagination.next_cursor</c>.</summary>
    [FromQuery(Name = "cursor"), MaxLength(512), RegularExpression("^[A-Za-z0-9_-]+$"), Description("Opaque cursor from pagination.next_cursor.")] public string? Cursor { get; init; }
}

/// <summary><c>/api/v1/shipments</c>: a customer's own shipments (others' are 404), every shipment for staff.</summary>
internal static class ShipmentsApi
{
    public static IEndpointRouteBuilder MapShipmentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/shipments").WithTags("Shipments").RequireAuthorization(ShippingPolicies.Read);
        group.MapGet("/", List).WithName("ListShipments")
            .WithSummary("Shipments, newest first, cursor-paged; filter by order_id")
            .WithDescription("The caller's own shipments (read:shipments), or every shipment for staff, who may also filter "
                + "by customer_id. With order_id: the shipment of that order, if it is the caller's.")
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .ProducesError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError);
        group.MapGet("/{id}", Get).WithName("GetShipment")
            .WithSummary("A shipment with its tracking history")
            .WithDescription("One shipment: carrier, tracking number, status and every step so far. Another customer's "
                + "shipment is 404, as if it did not exist.")
            .ProducesError(StatusCodes.Status404NotFound, "SHIPMENT_NOT_FOUND");
        return app;
    }

    internal static async Task<Results<ApiOk<ShipmentDto>, ApiError>> Get(
        string id, ClaimsPrincipal user, ShippingDbContext db, CancellationToken ct)
    {
        var shipment = Ids.HasPrefix(id, "shp")
            ? await db.Shipments.AsNoTracking().AsSplitQuery().Include(s => s.Items).Include(s => s.Tracking).FirstOrDefaultAsync(s => s.Id == id, ct)
            : null;
        return shipment is not null && CanSee(user, shipment)
            ? ApiResults.Ok(ShipmentDto.From(shipment))
            : ApiResults.NotFound("SHIPMENT_NOT_FOUND", $"Shipment '{(id.Length <= 64 ? id : id[..64] + "…")}' does not exist.");
    }

    /// <summary>Keyset position: the last item's creation time (ticks) and id.</summary>
    internal sealed record Position([property: System.Text.Json.Serialization.JsonConverter(typeof(CursorTicksConverter))] long T, string Id);

    internal static async Task<Results<ApiOk<IReadOnlyList<ShipmentDto>>, ApiError>> List(
        [AsParameters] ShipmentListQuery query, ClaimsPrincipal user, ShippingDbContext db, CancellationToken ct)
    {
        var v = new Validator();
        var perPage = Paging.PerPage(query.PerPage, null, query.Cursor, v);
        Position? after = null;
        if (!string.IsNullOrEmpty(query.Cursor) && !Paging.TryDecodeCursor(query.Cursor, out after))
        {
            v.Add("cursor", "Invalid cursor; use pagination.next_cursor of a previous page.");
        }

        if (!v.IsValid)
        {
            return v.ToError();
        }

        var admin = ShippingPolicies.IsStaff(user);
        var subject = user.FindFirst(AgoraClaims.Subject)?.Value ?? "";
        if (!admin && query.CustomerId is { Length: > 0 } other && other != subject)
        {
            return ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Only staff may list another customer's shipments.");
        }

        var filtered = db.Shipments.AsNoTracking();
        var customer = admin ? query.CustomerId : subject;
        if (!string.IsNullOrEmpty(customer))
        {
            filtered = filtered.Where(s => s.CustomerId == customer);
        }
        else if (!admin)
        {
            filtered = filtered.Where(_ => false);
        }

        if (!string.IsNullOrEmpty(query.OrderId))
        {
            filtered = filtered.Where(s => s.OrderId == query.OrderId);
        }

        var total = await filtered.LongCountAsync(ct);
        var page = filtered;
        if (after is not null)
        {
            var at = new DateTime(after.T, DateTimeKind.Utc);
            page = page.Where(s => s.CreatedAt < at || (s.CreatedAt == at && string.Compare(s.Id, after.Id) < 0));
        }

        var items = await page.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(perPage + 1)
            .AsSplitQuery().Include(s => s.Items).Include(s => s.Tracking).ToListAsync(ct);
        string? next = null;
        if (items.Count > perPage)
        {
            items.RemoveAt(perPage);
            next = Paging.EncodeCursor(new Position(items[^1].CreatedAt.Ticks, items[^1].Id));
        }

        return ApiResults.Page<ShipmentDto>(items.Select(ShipmentDto.From).ToList(), Paging.Info(perPage, total, next));
    }

    /// <summary>Staff see every shipment; a customer only their own.</summary>
    private static bool CanSee(ClaimsPrincipal user, Shipment shipment) =>
        ShippingPolicies.IsStaff(user)
        || (shipment.CustomerId.Length > 0 && shipment.CustomerId == user.FindFirst(AgoraClaims.Subject)?.Value);
}
