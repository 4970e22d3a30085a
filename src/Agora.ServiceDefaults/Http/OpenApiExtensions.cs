using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Agora.ServiceDefaults.Http;

internal static class OpenApiExtensions
{
    public static IServiceCollection AddAgoraOpenApi(this IServiceCollection services, string serviceName)
    {
        services.AddOpenApi("v1", o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info = new OpenApiInfo
                {
                    Title = $"Agora {char.ToUpperInvariant(serviceName[0])}{serviceName[1..]} API",
                    Version = "v1",
                    Description = $"The {serviceName} service of Agora. Every response uses the envelope "
                        + "{data, meta} or {error, meta}; collections are cursor-paged.",
                    Contact = new OpenApiContact { Name = "Agora", Url = new Uri("https://agora.example.com/support") },
                    License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
                };
                return Task.CompletedTask;
            });
        });
        return services;
    }
}
