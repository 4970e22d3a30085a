using Agora.Http;
using Agora.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Agora.Identity;

/// <summary>
/// Identity's REST contract (contracts/openapi/identity.v1.json): its security schemes are this server's own tokens
/// (OpenIddict validation, audience <c>agora</c>), every operation says what it needs, and the tags are described.
/// </summary>
internal static class IdentityOpenApi
{
    public static IHostApplicationBuilder AddIdentityOpenApi(this IHostApplicationBuilder builder)
    {
        // The shared security transformers describe the schemes from AgoraAuthOptions: here the authority is Identity
        // itself, and its validation accepts the shared audience only.
        builder.Services.AddOpenApiSecuritySchemes();
        builder.Services.AddOptions<AgoraAuthOptions>().Configure<IOptions<IdentityOptions>>((o, identity) =>
        {
            o.Authority = identity.Value.Issuer.ToString();
            o.Audience = IdentityDefaults.Audience;
            o.AcceptServiceAudience = false;
        });

        builder.Services
            .AddOpenApiTag("Users", "Accounts: registration, the caller's own profile, and (for administrators and services) everyone's.")
            .AddOpenApiTag("Addresses", "A user's delivery addresses, at most 20; the default one first.")
            .AddOpenApiTag("API keys", "Partner API keys: created, listed and revoked by administrators, verified by the gateway.")
            .AddOpenApiTag("Signing keys", "The authorization server's token signing keys (public facts only) and their rotation.")
            .AddOpenApiTag("Clients", "The OAuth clients: from configuration (Identity:Clients) or created here by staff; secrets shown once.");

        // Role and scope names are short words; the lists are bounded by their DTOs.
        builder.Services.Configure<OpenApiOptions>("v1", o => o.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo?.Name is "roles" or "scopes" && schema.Items is OpenApiSchema { MaxLength: null } items)
            {
                items.MaxLength = 32;
                items.Pattern ??= "^[a-z][a-z0-9:_-]*$";
            }

            if (context.JsonPropertyInfo?.Name is "redirect_uris" && schema.Items is OpenApiSchema { MaxLength: null } uris)
            {
                // Absolute URIs, exact match: as long as a browser keeps a URL.
                uris.MaxLength = 2000;
            }

            return Task.CompletedTask;
        }));
        return builder;
    }
}
