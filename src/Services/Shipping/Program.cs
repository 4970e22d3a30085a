using Agora.ServiceDefaults;
using Agora.ServiceDefaults.Hosting;
using Agora.ServiceDefaults.Auth;
using Agora.ServiceDefaults.Messaging;
using Agora.ServiceDefaults.Storage;
using Agora.Shipping;
using Agora.Shipping.Features.CarrierCallbacks;
using Agora.Shipping.Features.Shipments;
using Agora.Shipping.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("shipping");
BrokerReconnectLog.AddTo(builder); // a RabbitMQ restart is one Warning, not an Error per message
builder.AddAgoraAuthentication();
builder.AddAgoraDbContext<ShippingDbContext>();
builder.AddAgoraMessaging(typeof(Program).Assembly);
builder.AddShipping();

var app = builder.Build();

app.MapShipmentsApi();
app.MapCarrierCallbacksApi();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
