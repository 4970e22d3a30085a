// The rate limiting middleware alone, on a trivial endpoint, so its per-request cost is visible:
// /plain has no policy; the others run one policy each (limits far above what a run can reach, so every
// request does the full check-and-update and none is refused). Settings come from the command line (run.sh).
using Agora.Gateway.RateLimiting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddAgoraRateLimiting(builder.Configuration.GetSection(AgoraRateLimitingOptions.SectionName));
var app = builder.Build();
app.UseAgoraRateLimiting();
app.MapGet("/plain", () => "ok");
foreach (var policy in new[] { "local-bucket", "local-window", "redis-bucket", "redis-window" })
{
    app.MapGet($"/{policy}", () => "ok").RequireAgoraRateLimit(policy);
}

app.Run();
