using Agora.Ordering;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Admin;
using Agora.Ordering.Features.Orders;

// The saga's step timers are durable local messages: a restart keeps them.
return await AgoraServiceHost.RunAsync<OrderingDbContext>(args, "ordering", builder => builder.AddOrdering(), app =>
{
    app.MapOrdersApi();
    app.MapOrderingAdminApi();
}, messaging: o => o.LocalQueueFor<OrderStepTimedOut>().UseDurableInbox());

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
