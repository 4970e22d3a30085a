using Agora.Shipping;
using Agora.Shipping.Features.CarrierCallbacks;
using Agora.Shipping.Features.Shipments;

var builder = WebApplication.CreateBuilder(args);

builder.AddAgoraService<ShippingDbContext>("shipping");
builder.AddAgoraAuthentication();
builder.AddShipping();

var app = builder.Build();

app.MapShipmentsApi();
app.MapCarrierCallbacksApi();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
