namespace Agora.Shipping.Features.Shipments;

/// <summary>Shipping's log lines (the category every shipment handler and endpoint writes under).</summary>
public sealed partial class ShipmentLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Shipment {ShipmentId} for order {OrderId} booked with {Carrier} as {TrackingNumber}")]
    public static partial void Booked(ILogger logger, string shipmentId, string orderId, string carrier, string trackingNumber);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Shipment {ShipmentId} for order {OrderId} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string shipmentId, string orderId, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Order {OrderId} asked for its shipment again; it is {Status}, answering with the current outcome")]
    public static partial void Repeated(ILogger logger, string orderId, string status);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Shipment {ShipmentId} for order {OrderId} cancelled: {Reason}")]
    public static partial void Cancelled(ILogger logger, string shipmentId, string orderId, string reason);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Order {OrderId} asked to cancel shipment {ShipmentId}, which is already {Status}; answering with its current state")]
    public static partial void CancelTooLate(ILogger logger, string orderId, string shipmentId, string status);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Information, Message = "Order {OrderId} was cancelled before any shipment existed; a later request to ship it will be answered as cancelled")]
    public static partial void CancelledBeforeCreated(ILogger logger, string orderId);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Information, Message = "Shipment {ShipmentId} is now {Status} (carrier event {CarrierEventId})")]
    public static partial void Moved(ILogger logger, string shipmentId, string status, string carrierEventId);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning, Message = "Carrier callback refused: {Reason}")]
    public static partial void CallbackRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning, Message = "Shipping:CarrierWebhookSecret is not set: every carrier callback will be refused with 401")]
    public static partial void NoWebhookSecret(ILogger logger);
}
