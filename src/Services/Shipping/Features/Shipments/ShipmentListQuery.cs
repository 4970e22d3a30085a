using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Shipping.Features.Shipments;

/// <summary>Query parameters of the shipment list.</summary>
public sealed class ShipmentListQuery : CursorPageQuery
{
    /// <summary>Only the shipment of this order.</summary>
    [FromQuery(Name = "order_id"), MaxLength(100), Description("Only the shipment of this order (an order has at most one).")] public string? OrderId { get; init; }

    /// <summary>Staff only: only this customer's shipments.</summary>
    [FromQuery(Name = "customer_id"), MaxLength(100), Description("Staff only: only this customer's shipments.")] public string? CustomerId { get; init; }
}
