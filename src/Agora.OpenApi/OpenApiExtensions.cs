using Agora.Http;
using Agora.Hosting;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Agora.OpenApi;

/// <summary>
/// The OpenAPI document every service publishes at <c>/openapi/v1.json</c>: its contract, linted by spectral
/// (<c>spectral:oas</c> and OWASP) in <c>scripts/check-contracts.sh</c>. Endpoints describe themselves with
/// <see cref="OpenApiEndpointExtensions.ProducesError{TBuilder}"/> and <see cref="OpenApiEndpointExtensions.WithETag{TBuilder}"/>;
/// <see cref="AgoraOpenApiTransformers"/> adds what every operation shares.
/// </summary>
public static class OpenApiExtensions
{
    /// <summary>The <c>v1</c> document, OpenAPI 3.1, with what every Agora operation shares.</summary>
    public static IServiceCollection AddAgoraOpenApi(this IServiceCollection services, string serviceName)
    {
        services.AddOpenApi("v1", o => o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1);

        // PostConfigure: these run after every transformer a service or another default (security) adds, so the
        // shared headers, limits and pruning apply to the responses those add too.
        services.PostConfigure<OpenApiOptions>("v1", o =>
        {
            o.AddDocumentTransformer(async (doc, context, ct) =>
            {
                AgoraOpenApiTransformers.DescribeDocument(doc, serviceName,
                    context.ApplicationServices.GetServices<OpenApiTagDescription>());
                await AgoraOpenApiTransformers.PruneUnusedSchemasAsync(doc, ct);
            });
            o.AddOperationTransformer(AgoraOpenApiTransformers.DescribeOperationAsync);
            o.AddSchemaTransformer((schema, context, _) =>
            {
                AgoraOpenApiTransformers.LimitSchema(schema, context,
                    context.ApplicationServices.GetRequiredService<IOptions<AgoraOptions>>().Value);
                return Task.CompletedTask;
            });
        });
        return services;
    }
}
