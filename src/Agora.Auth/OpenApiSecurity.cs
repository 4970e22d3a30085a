using Agora.Http;
using Agora.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Agora.Auth;

/// <summary>The OpenAPI security schemes for a service that validates tokens by its own means.</summary>
public static class OpenApiSecurityExtensions
{
    /// <summary>
    /// Declares the bearer and OpenID Connect security schemes in the OpenAPI document and marks each operation with
    /// the credentials its authorization policy needs (and its 401 and 403), for a service that validates tokens by its
    /// own means (Identity). <c>AddAgoraAuthentication</c> does this itself. The schemes are described from
    /// <see cref="AgoraAuthOptions"/> (authority, audience).
    /// </summary>
    public static IServiceCollection AddOpenApiSecuritySchemes(this IServiceCollection services) => services.AddAgoraOpenApiSecurity();
}

/// <summary>
/// The OpenAPI side of <see cref="AuthenticationExtensions.AddAgoraAuthentication"/>: declares the bearer and
/// OpenID Connect security schemes and marks every operation whose endpoint requires authorization with them, the
/// scopes and roles that satisfy it, and its 401 and 403 responses. Read from the endpoint's own authorization
/// metadata, so the document cannot drift from what the service enforces.
/// </summary>
internal static class OpenApiSecurity
{
    public const string BearerScheme = "bearer";
    public const string OidcScheme = "oidc";
    public const string StaffScheme = "staff";
    public const string ErrorSchema = "ApiErrorEnvelope";

    public static IServiceCollection AddAgoraOpenApiSecurity(this IServiceCollection services)
    {
        // Configures the document AddAgoraOpenApi created, without touching its registration.
        services.Configure<OpenApiOptions>("v1", o =>
        {
            o.AddDocumentTransformer<SecuritySchemesTransformer>();
            o.AddOperationTransformer<SecuredOperationTransformer>();
        });
        return services;
    }

    private sealed class SecuritySchemesTransformer(IOptions<AgoraAuthOptions> auth) : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            var o = auth.Value;
            var discovery = !string.IsNullOrEmpty(o.MetadataAddress)
                ? o.MetadataAddress
                : o.Authority.TrimEnd('/') + "/.well-known/openid-configuration";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from Agora Identity: an RS256 JWT with typ at+jwt (RFC8725 JWT best practices: "
                    + "algorithms allow-listed to RS256, iss/aud/exp/nbf/typ checked, jku/jwk/x5u ignored), for the audience "
                    + $"'{o.Audience}'{(o.AcceptServiceAudience ? " or this service's name" : "")}. The operations that need one "
                    + "say so and name the scopes or roles they accept.",
            };
            document.Components.SecuritySchemes[OidcScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OpenIdConnect,
                OpenIdConnectUrl = new Uri(discovery),
                Description = "Agora Identity: authorization code with PKCE for people, client credentials for services.",
            };
            return Task.CompletedTask;
        }
    }

    private sealed class SecuredOperationTransformer(IAuthorizationPolicyProvider policies) : IOpenApiOperationTransformer
    {
        public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                // Explicitly open (registration, say): an empty requirement says "no credentials", rather than leaving
                // a reader to wonder whether security was forgotten.
                operation.Security = [new OpenApiSecurityRequirement()];
                return;
            }

            var policy = await AuthorizationPolicy.CombineAsync(policies, metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>());
            if (policy is null)
            {
                return;
            }

            var access = policy.Requirements.OfType<AgoraAccessRequirement>().ToList();
            var scopes = access.SelectMany(r => r.Scopes.Concat(r.StaffScopes).Concat(r.ServiceScopes)).Distinct(StringComparer.Ordinal).ToList();
            var roles = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles)
                .Concat(policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.ClaimsAuthorizationRequirement>()
                    .Where(r => r.ClaimType is AgoraClaims.Roles or AgoraClaims.Role or System.Security.Claims.ClaimTypes.Role)
                    .SelectMany(r => r.AllowedValues ?? []))
                .Distinct(StringComparer.Ordinal).ToList();
            // Staff only: every shared requirement asks for staff, or (a service's own policy, as Identity's) the admin
            // role claim is required outright.
            var staffOnly = access.Count > 0
                ? access.All(r => r.StaffScopes.Count > 0 && r.Scopes.Count == 0 && r.ServiceScopes.Count == 0)
                : roles.Contains(AgoraRoles.Admin, StringComparer.Ordinal);

            var document = context.Document!;
            operation.Security ??= [];
            if (staffOnly)
            {
                // Staff only: a credential of its own, so no client's token (whatever its scopes) reads as enough.
                AddStaffScheme(document);
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(StaffScheme, document)] = [] });
            }
            else
            {
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OidcScheme, document)] = scopes });
            }

            var needs = access.Select(r => r.Describe()).Concat(roles.Select(r => $"role `{r}`")).ToList();
            if (needs.Count > 0)
            {
                operation.Description = (string.IsNullOrEmpty(operation.Description) ? "" : operation.Description + "\n\n")
                    + $"Requires a bearer token of {string.Join("; or ", needs)}.";
            }

            var error = await ErrorSchemaAsync(document, context, cancellationToken);
            operation.Responses ??= new OpenApiResponses();
            var unauthorized = ErrorResponse(error, "No valid access token (missing, expired, forged, wrong issuer, audience or type).");
            unauthorized.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["WWW-Authenticate"] = new OpenApiHeader
                {
                    Description = "`Bearer`, with `error=\"invalid_token\"` when a token was sent but refused (RFC 6750 §3).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 512 },
                },
            };
            operation.Responses.TryAdd("401", unauthorized);
            operation.Responses.TryAdd("403", ErrorResponse(error, "The token is valid but grants none of the scopes or roles this operation needs."));
        }

        private static void AddStaffScheme(OpenApiDocument document)
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes.TryAdd(StaffScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A member of staff's access token from Agora Identity (signed in with authorization code and PKCE): "
                    + "an RS256 JWT with typ at+jwt whose roles claim holds admin AND whose scope claim holds the staff scope the "
                    + "operation names, validated as the bearer scheme says (RFC8725 JWT best practices: algorithms allow-listed "
                    + "to RS256, iss/aud/exp/nbf/typ checked, jku/jwk/x5u ignored). Staff operations accept nothing else: the role "
                    + "without the scope, the scope without the role, and a client-credentials token are refused (403).",
            });
        }

        private static async Task<IOpenApiSchema> ErrorSchemaAsync(OpenApiDocument document, OpenApiOperationTransformerContext context, CancellationToken ct)
        {
            if (document.Components?.Schemas?.ContainsKey(ErrorSchema) != true)
            {
                document.AddComponent(ErrorSchema, await context.GetOrCreateSchemaAsync(typeof(ApiErrorEnvelope), null, ct));
            }

            return new OpenApiSchemaReference(ErrorSchema, document);
        }

        private static OpenApiResponse ErrorResponse(IOpenApiSchema schema, string description) => new()
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
        };
    }
}
