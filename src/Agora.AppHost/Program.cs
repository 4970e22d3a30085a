using Agora.AppHost;

// dotnet run --project src/Agora.AppHost                                   embedded (SQLite under .agora/data)
// dotnet run --project src/Agora.AppHost -- --Agora:Mode=Distributed       PostgreSQL, RabbitMQ, Redis from ConnectionStrings:*
//   add --Agora:Replicas=2 for two of every stateless service (the second on ports + 20; the gateway spreads over them)
//   The services run in the AppHost's environment (Development here): only there do the demo users and clients exist.
var builder = DistributedApplication.CreateBuilder(args);

AgoraAppModel agora;
try
{
    agora = AgoraAppModel.Create(builder);
}
catch (AgoraConfigurationException e)
{
    await Console.Error.WriteLineAsync("Agora cannot start: " + e.Message);
    return 1;
}

// One line per service: its project, HTTP port (REST) and gRPC port (h2c). Messages listen on HTTP port + 1000.
var identity = agora.WithDemoAccounts(agora.AddService<Projects.Agora_Identity>("identity", httpPort: 5101, grpcPort: 7101));
var catalog = agora.AddService<Projects.Agora_Catalog>("catalog", httpPort: 5102, grpcPort: 7102);
// --Agora:Canary:Catalog=10 (distributed mode): a second Catalog on 5112/7112 gets 10 % of the gateway's Catalog traffic.
agora.AddCanary<Projects.Agora_Catalog>(catalog, agora.Settings.CatalogCanaryWeight);
var ordering = agora.AddService<Projects.Agora_Ordering>("ordering", httpPort: 5103);
var payment = agora.AddService<Projects.Agora_Payment>("payment", httpPort: 5104, grpcPort: 7104);
// The carrier-webhook secret: Agora:CarrierWebhookSecret, or in Development only the published demo value (every
// service refuses that value outside Development); production sets Shipping__CarrierWebhookSecret from a secret store.
var shipping = agora.AddService<Projects.Agora_Shipping>("shipping", httpPort: 5105)
    .WithEnvironment("Shipping__CarrierWebhookSecret", agora.DevelopmentSecret("Agora:CarrierWebhookSecret", "agora-dev-carrier-webhook-secret"));
// Email, SMS and push go to the development inbox (below); production points these at the real providers.
var notification = agora.AddService<Projects.Agora_Notification>("notification", httpPort: 5106)
    .WithEnvironment("Notification__Smtp__Host", "localhost")
    .WithEnvironment("Notification__Smtp__Port", AgoraAppModel.DevInboxSmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
    .WithEnvironment("Notification__Sms__WebhookUrl", "http://localhost:5191/webhooks/sms")
    .WithEnvironment("Notification__Push__WebhookUrl", "http://localhost:5191/webhooks/push");
// Full-text search over the catalogue, fed by Catalog's events (rebuilt from Catalog's StreamProducts when empty).
var search = agora.AddService<Projects.Agora_Search>("search", httpPort: 5107);
// --Agora:Replicas=N (distributed mode): N − 1 more of each stateless service, as a Deployment would run them.
agora.AddReplicas<Projects.Agora_Identity>(identity);
agora.AddReplicas<Projects.Agora_Catalog>(catalog);
agora.AddReplicas<Projects.Agora_Ordering>(ordering);
agora.AddReplicas<Projects.Agora_Payment>(payment);
agora.AddReplicas<Projects.Agora_Shipping>(shipping);
agora.AddReplicas<Projects.Agora_Notification>(notification);
// Search keeps its index in files of its own: each replica indexes every event (a queue per replica).
agora.AddReplicas<Projects.Agora_Search>(search, localState: true);
// The external payment provider's stand-in, with failure injection (GET/PUT /admin/behaviour).
agora.AddService<Projects.Agora_PspSimulator>("psp", httpPort: 5190);
// The development inbox: catches every email (SMTP :2525, also .eml files under the data directory), SMS and push;
// GET http://localhost:5191/api/v1/messages lists them.
agora.AddDevInbox(agora.AddService<Projects.Agora_DevInbox>("devinbox", httpPort: 5191));

// The one door for clients: http://localhost:8080 (routes in src/Agora.Gateway/appsettings.json; API docs at /docs).
// Its development client (agora-scripts) checks partner API keys with Identity; production sets Agora:GatewayClientId/Secret.
agora.AddGateway<Projects.Agora_Gateway>("gateway", identity, catalog, ordering, payment, shipping, notification);

await builder.Build().RunAsync();
return 0;
