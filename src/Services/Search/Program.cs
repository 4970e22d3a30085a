using Agora.Auth;
using Agora.Hosting;
using Agora.Messaging;
using Agora.Search;
using Agora.Search.Features.Rebuild;
using Agora.Search.Features.Search;
using Agora.Search.Infrastructure;
using Agora.ServiceDefaults;
using Agora.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("search");
builder.AddAgoraAuthentication();
var database = builder.AddAgoraDbContext<SearchDbContext>();
builder.AddAgoraMessaging(database, typeof(Program).Assembly);
builder.AddSearch();

var app = builder.Build();

app.MapSearchApi();
app.MapRebuildApi();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
