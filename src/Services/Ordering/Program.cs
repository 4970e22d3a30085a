using Agora.Auth;
using Agora.Hosting;
using Agora.Messaging;
using Agora.Ordering;
using Agora.Ordering.Domain;
using Agora.Ordering.Infrastructure;
using Agora.ServiceDefaults;
using Agora.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("ordering");
builder.AddAgoraAuthentication();
var database = builder.AddAgoraDbContext<OrderingDbContext>();
// The saga's step timers are durable local messages: a restart keeps them.
builder.AddAgoraMessaging(database, typeof(Program).Assembly, o => o.LocalQueueFor<OrderStepTimedOut>().UseDurableInbox());
builder.AddOrdering();

var app = builder.Build();

app.MapOrderingApi();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
