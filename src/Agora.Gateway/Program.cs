using Agora.Gateway;
using Agora.Gateway.Features.Docs;
using Agora.Gateway.RateLimiting;
using Agora.GraphQL;
using Agora.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("gateway");
builder.AddAgoraGateway();
builder.Services.AddAgoraRateLimiting(builder.Configuration);
builder.Services.AddAgoraGraphQL(builder.Configuration);

var app = builder.Build();

app.UseAgoraGatewayEdge();
app.MapDefaultEndpoints();
app.MapAgoraGateway();
app.MapGatewayDocs();
app.MapAgoraGraphQL("/graphql");
app.MapAgoraProxy();

app.Run();

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
