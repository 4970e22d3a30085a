using Agora.Ordering;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Admin;
using Agora.Ordering.Features.Orders;
using Agora.Ordering.Infrastructure;
using Agora.ServiceDefaults;
using Agora.ServiceDefaults.Hosting;
using Agora.ServiceDefaults.Auth;
using Agora.ServiceDefaults.Messaging;
using Agora.ServiceDefaults.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("ordering");
builder.AddAgoraAuthentication();
builder.AddAgoraDbContext<OrderingDbContext>();
// The saga's step timers are durable local messages: a restart keeps them.
builder.AddAgoraMessaging(typeof(Program).Assembly, o => o.LocalQueueFor<OrderStepTimedOut>().UseDurableInbox());
builder.AddOrdering();

var app = builder.Build();

app.MapOrdersApi();
app.MapOrderingAdminApi();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
