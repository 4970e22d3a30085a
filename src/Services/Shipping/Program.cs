using Agora.Shipping;
using Agora.Shipping.Features.CarrierCallbacks;
using Agora.Shipping.Features.Shipments;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("shipping");
builder.AddAgoraAuthentication();
var database = builder.AddAgoraDbContext<ShippingDbContext>();
builder.AddAgoraMessaging(database, typeof(Program).Assembly);
builder.AddShipping();

var app = builder.Build();

app.MapShipmentsApi();
app.MapCarrierCallbacksApi();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
