using Agora.Payment;
using Agora.Payment.Features.Payments;
using Agora.Payment.Features.Psp;
using Agora.Payment.Grpc;

var builder = WebApplication.CreateBuilder(args);

// Provider attempts wait in a durable local queue: a scheduled retry survives a restart.
builder.AddAgoraService<PaymentDbContext>("payment", o => o.LocalQueueFor<CallPsp>().UseDurableInbox());
builder.AddAgoraAuthentication();
builder.AddPayment();

var app = builder.Build();
app.Services.GetRequiredService<PspCircuit>(); // the breaker's gauge is on /metrics from the start, not from the first call

app.MapPaymentsApi();
app.MapGrpcService<PaymentGrpcService>();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
