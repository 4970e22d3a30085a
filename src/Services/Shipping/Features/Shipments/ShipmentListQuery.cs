using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;

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
