using Agora.Ordering;
using Agora.Ordering.Domain;
using Agora.Ordering.Features.Admin;
using Agora.Ordering.Features.Orders;

// The saga's step timers are rows in Ordering's database (saga_deadlines, SagaDeadlinePoller). Timers that earlier
// versions scheduled as durable local messages still arrive on this queue and are handled as before.
return await AgoraServiceHost.RunAsync<OrderingDbContext>(args, "ordering", builder => builder.AddOrdering(), app =>
{
    app.MapOrdersApi();
    app.MapOrderingAdminApi();
}, messaging: o => o.LocalQueueFor<OrderStepTimedOut>().UseDurableInbox());

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
