using Agora.Http;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Agora.Gateway.Features.Routing;

/// <summary>
/// Transforms on every route, besides YARP's defaults (hop-by-hop headers dropped, <c>X-Forwarded-For/Proto/Host/Prefix</c>
/// set — replacing whatever the client sent — and <c>traceparent</c> rewritten to the gateway's own span):
/// the edge's credentials and internal headers never reach a service, the service's request and correlation ids are the
/// gateway's, and the answer does not say what server produced it.
/// </summary>
internal sealed class GatewayTransforms : ITransformProvider
{
    /// <summary>Request headers the gateway consumes or owns; a client cannot pass them through.</summary>
    public static readonly string[] StrippedRequestHeaders = ["X-API-Key", "X-Agora-Version", "X-Internal-Auth", "X-Agora-Internal"];

    /// <summary>Response headers that only tell an attacker what runs behind the gateway.</summary>
    public static readonly string[] StrippedResponseHeaders = ["Server", "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version"];

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        context.AddRequestTransform(static transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            foreach (var name in StrippedRequestHeaders)
            {
                headers.Remove(name);
            }

            var identity = transform.HttpContext.GetRequestIdentity();
            headers.Remove(CorrelationContext.RequestIdHeader);
            headers.Remove(CorrelationContext.CorrelationIdHeader);
            headers.TryAddWithoutValidation(CorrelationContext.RequestIdHeader, identity.RequestId);
            headers.TryAddWithoutValidation(CorrelationContext.CorrelationIdHeader, identity.CorrelationId);
            return ValueTask.CompletedTask;
        });
        context.AddRequestTransform(static transform =>
        {
            // Last, after the route's own path transforms: whatever the route, a service's /metrics and /health are not
            // the public's (the gateway's own answer to staff; probes and scrapers reach the services directly).
            var path = transform.Path;
            return path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
                   || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
                ? new ValueTask(ApiResults.NotFound(ErrorCodes.NotFound, "No such resource.").ExecuteAsync(transform.HttpContext))
                : ValueTask.CompletedTask;
        });
        context.AddResponseTransform(static transform =>
        {
            var headers = transform.HttpContext.Response.Headers;
            foreach (var name in StrippedResponseHeaders)
            {
                headers.Remove(name);
            }

            // The service echoes the ids it was given; the client sees the gateway's exactly once.
            var identity = transform.HttpContext.GetRequestIdentity();
            headers[CorrelationContext.RequestIdHeader] = identity.RequestId;
            headers[CorrelationContext.CorrelationIdHeader] = identity.CorrelationId;
            return ValueTask.CompletedTask;
        });
    }
}
