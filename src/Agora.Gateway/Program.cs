using Agora.Gateway;
using Agora.Gateway.Features.Admin;
using Agora.Gateway.Features.Docs;
using Agora.Gateway.RateLimiting;
using Agora.GraphQL;
using Agora.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

// The gateway is the public edge (8080, 8443): no peer calls it, so mutual TLS (Agora:Tls:Mode=Mutual) makes it a
// client only: its routes, health probes and GraphQL backends present its certificate; its own endpoints ask none.
builder.Configuration["Agora:Tls:Endpoints"] ??= Agora.Hosting.AgoraTlsOptions.NoEndpoints;
builder.AddServiceDefaults("gateway");
builder.AddAgoraGateway();
builder.Services.AddAgoraRateLimiting(builder.Configuration);
builder.Services.AddAgoraGraphQL(builder.Configuration);

var app = builder.Build();

app.UseAgoraGatewayEdge();
app.MapDefaultEndpoints();
app.MapAgoraGateway();
app.MapEdgeStatus();
app.MapGatewayDocs();
app.MapAgoraGraphQL("/graphql");
app.MapAgoraProxy();

app.Run();

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
