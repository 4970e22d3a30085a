using Agora.Shipping;
using Agora.Shipping.Features.CarrierCallbacks;
using Agora.Shipping.Features.Shipments;

return await AgoraServiceHost.RunAsync<ShippingDbContext>(args, "shipping", builder => builder.AddShipping(), app =>
{
    app.MapShipmentsApi();
    app.MapCarrierCallbacksApi();
});

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
