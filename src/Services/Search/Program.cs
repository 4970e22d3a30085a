using Agora.Search;
using Agora.Search.Features.Rebuild;
using Agora.Search.Features.Search;

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
