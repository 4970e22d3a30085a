using Agora.Search;
using Agora.Search.Features.Rebuild;
using Agora.Search.Features.Search;

var builder = WebApplication.CreateBuilder(args);

builder.AddAgoraService<SearchDbContext>("search");
builder.AddAgoraAuthentication();
builder.AddSearch();

var app = builder.Build();

app.MapSearchApi();
app.MapRebuildApi();
app.MapDefaultEndpoints();

return await app.RunAgoraAsync(args);

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
