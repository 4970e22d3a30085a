using Agora.Search;
using Agora.Search.Features.Rebuild;
using Agora.Search.Features.Search;

return await AgoraServiceHost.RunAsync<SearchDbContext>(args, "search", builder => builder.AddSearch(), app =>
{
    app.MapSearchApi();
    app.MapRebuildApi();
});

/// <summary>Entry point, visible to the functional tests.</summary>
public partial class Program;
