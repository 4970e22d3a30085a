using System.Text.Json;
using Agora.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Agora.ServiceDefaults;

internal static class HealthEndpoints
{
    public static void MapAgoraHealth(this WebApplication app)
    {
        Map(app, "/health/live", HealthTags.Live);
        Map(app, "/health/ready", HealthTags.Ready);
    }

    // Probes only read: GET and HEAD; any other method is 405 with Allow. Answered here rather than by routing, whose
    // 405 gives way to gRPC's catch-all for unknown two-segment paths ({service}/{method}) in the services with gRPC.
    private static void Map(WebApplication app, string path, string tag)
    {
        var pipeline = ((IEndpointRouteBuilder)app).CreateApplicationBuilder()
            .Use(next => context =>
            {
                if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                {
                    return next(context);
                }

                context.Response.Headers.Allow = "GET, HEAD";
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return Task.CompletedTask;
            })
            .UseMiddleware<HealthCheckMiddleware>(Options.Create(new HealthCheckOptions
            {
                Predicate = r => r.Tags.Contains(tag),
                ResponseWriter = WriteAsync,
            }))
            .Build();
        app.Map(path, pipeline).WithDisplayName("Health checks " + path).DisableHttpMetrics();
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            duration_ms = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString().ToLowerInvariant(),
                description = e.Value.Description,
                duration_ms = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        }, cancellationToken: context.RequestAborted);
    }
}
