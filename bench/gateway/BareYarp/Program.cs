using Yarp.ReverseProxy.Configuration;

// YARP with one route to one destination and nothing else: no authentication, rate limiting, telemetry, logging or
// transforms beyond YARP's defaults. bench/gateway/run.sh measures it beside the Agora gateway so the cost of Agora's
// policies is told apart from the cost of proxying in .NET at all.
//   Urls=http://127.0.0.1:28083 Destination=http://127.0.0.1:25102/ dotnet BareYarp.dll
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var destination = builder.Configuration["Destination"] ?? throw new InvalidOperationException("Set Destination (the backend's URL).");
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "{**rest}" } }],
    [new ClusterConfig { ClusterId = "backend", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = destination } } }]);
var app = builder.Build();
app.MapReverseProxy();
app.Run();
