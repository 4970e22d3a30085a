using Agora.Gateway;
using Agora.Gateway.Features.Docs;
using Agora.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("gateway");
builder.AddAgoraGateway();
// TODO(rate limiting): builder.Services.AddAgoraRateLimiting(builder.Configuration);
// TODO(graphql): builder.Services.AddAgoraGraphQL(builder.Configuration);

var app = builder.Build();

app.UseAgoraGatewayEdge();
app.MapDefaultEndpoints();
app.MapAgoraGateway();
// TODO(rate limiting): app.UseAgoraRateLimiting();
app.MapGatewayDocs();
// TODO(graphql): app.MapAgoraGraphQL("/graphql");
app.MapAgoraProxy();

app.Run();

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
