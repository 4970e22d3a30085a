using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Agora.Shipping.Features.CarrierCallbacks;

/// <summary>
/// Declares the carrier callback's real authentication in the OpenAPI document: an API-key-style scheme in the
/// <c>X-Carrier-Signature</c> header (an HMAC signature, see <see cref="CarrierSignature"/>), instead of no security.
/// </summary>
internal static class CarrierSignatureOpenApi
{
    public const string Scheme = "carrierSignature";

    public static IServiceCollection AddCarrierSignatureOpenApi(this IServiceCollection services) =>
        services.Configure<OpenApiOptions>("v1", o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = CarrierSignature.HeaderName,
                    Description = "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" with the carrier secret>; "
                        + "valid for 5 minutes either side of the server's clock.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.RelativePath == "api/v1/carrier-callbacks" && context.Document is { } document)
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, document)] = [] }];
                }

                return Task.CompletedTask;
            });
        });
}
