using Agora.Ordering;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Admin;
using Agora.Ordering.Features.Orders;

var builder = WebApplication.CreateBuilder(args);

// The saga's step timers are durable local messages: a restart keeps them.
builder.AddAgoraService<OrderingDbContext>("ordering", o => o.LocalQueueFor<OrderStepTimedOut>().UseDurableInbox());
builder.AddAgoraAuthentication();
builder.AddOrdering();

var app = builder.Build();

app.MapOrdersApi();
app.MapOrderingAdminApi();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
