using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Agora.Gateway.Features.Docs;

/// <summary>
/// <c>/docs</c>: every service's OpenAPI document in one Scalar UI. The documents come through the gateway's own routes
/// (<c>/docs/openapi/{service}.json</c> → the service's <c>/openapi/v1.json</c>, in <c>ReverseProxy:Routes</c>), so the
/// browser talks to one origin; the list of services is <c>Gateway:Docs</c>.
/// </summary>
internal static class DocsApi
{
    public const string DocumentPattern = "/docs/openapi/{documentName}.json";

    public static IEndpointRouteBuilder MapGatewayDocs(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference("/docs", (options, context) =>
        {
            var docs = context.RequestServices.GetRequiredService<IOptionsMonitor<GatewayOptions>>().CurrentValue.Docs;
            options.WithTitle("Agora API");
            for (var i = 0; i < docs.Count; i++)
            {
                options.AddDocument(docs[i].Name, docs[i].Title, DocumentPattern, isDefault: i == 0);
            }
        }).DisableHttpMetrics();
        return app;
    }
}
