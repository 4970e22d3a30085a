using Agora.Payment;
using Agora.Payment.Features.Payments;
using Agora.Payment.Features.Psp;
using Agora.Payment.Grpc;

// Provider attempts wait in a durable local queue: a scheduled retry survives a restart.
return await AgoraServiceHost.RunAsync<PaymentDbContext>(args, "payment", builder => builder.AddPayment(), app =>
{
    app.Services.GetRequiredService<PspCircuit>(); // the breaker's gauge is on /metrics from the start, not from the first call
    app.MapPaymentsApi();
    app.MapGrpcService<PaymentGrpcService>();
}, messaging: o => o.LocalQueueFor<CallPsp>().UseDurableInbox());

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
