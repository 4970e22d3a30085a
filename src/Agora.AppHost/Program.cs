using Agora.AppHost;
using Agora.Hosting;

// dotnet run --project src/Agora.AppHost                                   embedded (SQLite under .agora/data)
// dotnet run --project src/Agora.AppHost -- --Agora:Mode=Distributed       PostgreSQL, RabbitMQ, Redis from ConnectionStrings:*
//   add --Agora:Replicas=2 for two of every stateless service (the second on ports + 20; the gateway spreads over them)
//   the gateway on https://localhost:8443 with HSTS by default, 8080 redirecting there (--Agora:Tls:Edge=false: plain 8080)
//   mutual TLS on every internal hop by default (runs scripts/certs.sh first; readiness on HTTP port + 3000); --Agora:Tls:Mode=Off for plaintext hops
//   TLS to PostgreSQL and RabbitMQ with it: --Agora:Tls:Servers:CaPath=<their CA> and an amqps:// rabbitmq (or --Agora:Tls:Servers:Mode=Off)
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

// One line per service; ports and what each calls come from the service table (src/Agora.Hosting/Topology/services.json).
// A service starts once the services it calls are healthy: Identity first, the gateway last.
var identity = agora.WithDemoAccounts(agora.AddService<Projects.Agora_Identity>("identity"));
// The external payment provider's stand-in, with failure injection (GET/PUT /admin/behaviour).
agora.AddService<Projects.Agora_PspSimulator>("psp");
// The development inbox: catches every email (SMTP :2525, also .eml files under the data directory), SMS and push;
// GET http://localhost:5191/api/v1/messages lists them.
agora.AddDevInbox(agora.AddService<Projects.Agora_DevInbox>("devinbox"));
var catalog = agora.AddService<Projects.Agora_Catalog>("catalog");
// --Agora:Canary:Catalog=10 (distributed mode): a second Catalog on 5112/7112 gets 10 % of the gateway's Catalog traffic.
agora.AddCanary<Projects.Agora_Catalog>(catalog, agora.Settings.CatalogCanaryWeight);
var ordering = agora.AddService<Projects.Agora_Ordering>("ordering");
var payment = agora.AddService<Projects.Agora_Payment>("payment");
// The carrier-webhook secret: Agora:CarrierWebhookSecret, or in Development only the published demo value (every
// service refuses that value outside Development); production sets Shipping__CarrierWebhookSecret from a secret store.
var shipping = agora.AddService<Projects.Agora_Shipping>("shipping")
    .WithEnvironment("Shipping__CarrierWebhookSecret", agora.DevelopmentSecret("Agora:CarrierWebhookSecret", "agora-dev-carrier-webhook-secret"));
// Email, SMS and push go to the development inbox; production points these at the real providers.
var notification = agora.AddService<Projects.Agora_Notification>("notification")
    .WithEnvironment("Notification__Smtp__Host", "localhost")
    .WithEnvironment("Notification__Smtp__Port", AgoraAppModel.DevInboxSmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
    .WithEnvironment("Notification__Sms__WebhookUrl", ServiceTable.Get("devinbox").HttpUrl() + "/webhooks/sms")
    .WithEnvironment("Notification__Push__WebhookUrl", ServiceTable.Get("devinbox").HttpUrl() + "/webhooks/push");
// Full-text search over the catalogue, fed by Catalog's events (rebuilt from Catalog's StreamProducts when empty).
var search = agora.AddService<Projects.Agora_Search>("search");
// --Agora:Replicas=N (distributed mode): N − 1 more of each stateless service, as a Deployment would run them.
agora.AddReplicas<Projects.Agora_Identity>(identity);
agora.AddReplicas<Projects.Agora_Catalog>(catalog);
agora.AddReplicas<Projects.Agora_Ordering>(ordering);
agora.AddReplicas<Projects.Agora_Payment>(payment);
agora.AddReplicas<Projects.Agora_Shipping>(shipping);
agora.AddReplicas<Projects.Agora_Notification>(notification);
// Search keeps its index in files of its own: each replica indexes every event (a queue per replica).
agora.AddReplicas<Projects.Agora_Search>(search, localState: true);

// The one door for clients: http://localhost:8080 (routes in src/Agora.Gateway/appsettings.json, clusters from the
// service table; API docs at /docs). It starts once every service it fronts is ready.
// Its development client (agora-scripts) checks partner API keys with Identity; production sets Agora:GatewayClientId/Secret.
agora.AddGateway<Projects.Agora_Gateway>();

// The storefront: http://localhost:3000 (Blazor; sign in with the demo customer, buy something). It calls the shop through
// the gateway and signs customers in through Identity with its own OIDC client, defined here for both.
agora.AddStorefront<Projects.Agora_Web>(identity);

await builder.Build().RunAsync();
return 0;
