using System.Security.Claims;
using Agora.Http;
using Agora.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Agora.Gateway.Features.Security;

/// <summary>
/// The gateway's <c>/metrics</c> and <c>/health/ready</c> (mapped by ServiceDefaults) as the edge shows them:
/// <c>/health/live</c> to anyone; <c>/health/ready</c> to anyone as <c>{"status": …}</c> only (200, or 503 when not
/// ready), and in detail to staff; <c>/metrics</c> to staff only (401 without a valid bearer token, 403 without role and
/// scope). Staff are a bearer token with <see cref="ManagementOptions.StaffRole"/> and <see cref="ManagementOptions.StaffScope"/>
/// (an API key never is). On <see cref="ManagementOptions.Port"/> both answer without a token, and nothing else answers.
/// Runs after authentication.
/// </summary>
internal static class ManagementEndpoints
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var path = context.Request.Path;
        var metrics = path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);
        var health = path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
        var management = context.RequestServices.GetRequiredService<IOptionsMonitor<GatewayOptions>>().CurrentValue.Management;
        if (management.Port is { } port && context.Connection.LocalPort == port)
        {
            if (metrics || health)
            {
                await next();
                return;
            }

            await ApiResults.NotFound(ErrorCodes.NotFound, "The management port serves /metrics and /health only.").ExecuteAsync(context);
            return;
        }

        if (!metrics && !(health && path.StartsWithSegments("/health/ready", StringComparison.OrdinalIgnoreCase)))
        {
            await next();
            return;
        }

        var token = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (token.Succeeded && IsStaff(token.Principal, management))
        {
            await next();
            return;
        }

        if (!metrics)
        {
            await WriteReadinessAsync(context);
            return;
        }

        if (!token.Succeeded)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiResults.Error(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
                "Metrics are for staff: send a bearer token with the staff role and scope.").ExecuteAsync(context);
            return;
        }

        await ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
            $"Metrics are for staff: the token needs role '{management.StaffRole}' and scope '{management.StaffScope}'.").ExecuteAsync(context);
    }

    /// <summary>Role and scope, both (a role alone, or a scope a client may have minted, is not staff).</summary>
    internal static bool IsStaff(ClaimsPrincipal? user, ManagementOptions management) =>
        user is not null
        && user.Claims.Any(c => c.Type is "roles" or "role" && string.Equals(c.Value, management.StaffRole, StringComparison.Ordinal))
        && user.FindAll("scope").Any(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(management.StaffScope, StringComparer.Ordinal));

    /// <summary>What a probe needs and nothing more: no check names, timings or descriptions.</summary>
    private static async Task WriteReadinessAsync(HttpContext context)
    {
        var health = context.RequestServices.GetRequiredService<HealthCheckService>();
        var report = await health.CheckHealthAsync(r => r.Tags.Contains(HealthTags.Ready), context.RequestAborted);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(new { status = report.Status.ToString().ToLowerInvariant() }, context.RequestAborted);
    }
}
