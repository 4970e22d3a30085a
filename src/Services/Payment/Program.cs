using Agora.Auth;
using Agora.Hosting;
using Agora.Messaging;
using Agora.Payment;
using Agora.Payment.Features.Payments;
using Agora.Payment.Features.Psp;
using Agora.Payment.Grpc;
using Agora.Payment.Infrastructure;
using Agora.ServiceDefaults;
using Agora.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("payment");
builder.AddAgoraAuthentication();
var database = builder.AddAgoraDbContext<PaymentDbContext>();
// Provider attempts wait in a durable local queue: a scheduled retry survives a restart.
builder.AddAgoraMessaging(database, typeof(Program).Assembly, o => o.LocalQueueFor<CallPsp>().UseDurableInbox());
builder.AddPayment();

var app = builder.Build();
app.Services.GetRequiredService<PspCircuit>(); // the breaker's gauge is on /metrics from the start, not from the first call

app.MapPaymentsApi();
app.MapGrpcService<PaymentGrpcService>();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
