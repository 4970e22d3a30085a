using Agora.Search;
using Agora.Search.Features.Rebuild;
using Agora.Search.Features.Search;
using Agora.Search.Infrastructure;
using Agora.ServiceDefaults;
using Agora.ServiceDefaults.Hosting;
using Agora.ServiceDefaults.Auth;
using Agora.ServiceDefaults.Messaging;
using Agora.ServiceDefaults.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("search");
builder.AddAgoraAuthentication();
builder.AddAgoraDbContext<SearchDbContext>();
builder.AddAgoraMessaging(typeof(Program).Assembly);
builder.AddSearch();

var app = builder.Build();

app.MapSearchApi();
app.MapRebuildApi();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
