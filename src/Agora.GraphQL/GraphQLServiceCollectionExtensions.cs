using Agora.Contracts.Catalog.V1;
using Agora.Contracts.Messaging;
using Agora.Contracts.Users;
using Agora.GraphQL.Backends;
using Agora.GraphQL.Execution;
using Agora.GraphQL.Loading;
using Agora.GraphQL.Schema;
using Agora.ServiceDefaults.Resilience;
using GraphQL;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQL.Validation.Rules.Custom;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Agora.GraphQL;

/// <summary>
/// The GraphQL BFF as a library the gateway maps: <c>services.AddAgoraGraphQL(configuration)</c> and
/// <c>app.MapAgoraGraphQL()</c>. Resolvers call the services' own APIs with the caller's token (Identity REST and
/// gRPC, Ordering REST, Catalog gRPC and REST, Search REST), batched per request by DataLoaders.
/// </summary>
public static class GraphQLServiceCollectionExtensions
{
    /// <summary>The services the BFF calls over REST.</summary>
    public static readonly IReadOnlyList<string> RestServices =
        [IdentityBackend.Service, OrderingBackend.Service, CatalogBackend.Service, SearchBackend.Service];

    /// <summary>
    /// Registers the schema, the executor and the backend clients. Reads <c>GraphQL</c> (<see cref="AgoraGraphQLOptions"/>)
    /// and, per service, <c>Agora:Services:{identity|ordering|catalog|search}:Http</c> (default
    /// <c>http://localhost:{5101|5103|5102|5107}</c>) and <c>Agora:Services:{identity|catalog}:Grpc</c> (default
    /// <c>http://localhost:{7101|7102}</c>). The HTTP clients get the host's resilience pipeline from ServiceDefaults
    /// (<c>AddServiceDefaults</c>); the gRPC clients get the gRPC one (<see cref="GrpcResilience"/>).
    /// </summary>
    public static IServiceCollection AddAgoraGraphQL(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgoraGraphQLOptions>()
            .Bind(configuration.GetSection(AgoraGraphQLOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<AgoraGraphQLOptions>, IntrospectionDefault>();

        foreach (var service in RestServices)
        {
            var address = configuration[$"Agora:Services:{service}:Http"] ?? $"http://localhost:{ServiceTopology.HttpPorts[service]}";
            // The HTTP defaults (AddServiceDefaults) give each downstream its own breaker and bulkhead: Search being down
            // does not open the breaker on Identity.
            services.AddHttpClient(RestBackend.ClientName(service), c => c.BaseAddress = new Uri(address));
        }

        services.AddAgoraGrpcClient<CatalogService.CatalogServiceClient>(configuration, CatalogBackend.Service);
        services.AddAgoraGrpcClient<UserService.UserServiceClient>(configuration, IdentityBackend.Service);

        services.AddScoped<CallerContext>();
        services.AddScoped<RestBackend>();
        services.AddScoped<IdentityBackend>();
        services.AddScoped<OrderingBackend>();
        services.AddScoped<CatalogBackend>();
        services.AddScoped<SearchBackend>();
        services.AddScoped<RequestLoaders>();
        services.AddScoped<DocumentBudget>();

        services.AddGraphQL(b => b
            .AddSchema<AgoraSchema>()
            .AddGraphTypes(typeof(AgoraSchema).Assembly)
            .AddSystemTextJson()
            .AddErrorInfoProvider(new AgoraErrorInfoProvider())
            .AddComplexityAnalyzer((c, sp) =>
            {
                // Depth is DocumentBudgetRule's, which counts introspection apart (the standard introspection query is
                // deeper than any data query needs to be); introspection weighs nothing in the complexity either.
                c.MaxDepth = null;
                c.MaxComplexity = sp.GetRequiredService<IOptions<AgoraGraphQLOptions>>().Value.MaxComplexity;
            })
            .ConfigureExecutionOptions(o =>
            {
                var graphQLOptions = o.RequestServices!.GetRequiredService<IOptions<AgoraGraphQLOptions>>().Value;
                var rules = (o.ValidationRules ?? DocumentValidator.CoreRules).Append(new DocumentBudgetRule(graphQLOptions));
                if (graphQLOptions.EnableIntrospection != true)
                {
                    rules = rules.Append(NoIntrospectionValidationRule.Instance);
                }

                o.ValidationRules = rules;
            }));
        return services;
    }

    /// <summary>
    /// Maps the endpoint (GET and POST; see <see cref="GraphQLEndpoint"/>) at <paramref name="path"/>, default
    /// <c>/graphql</c>. Anonymous at the edge: each field's service decides with the caller's token.
    /// </summary>
    public static IEndpointRouteBuilder MapAgoraGraphQL(this IEndpointRouteBuilder endpoints, string path = "/graphql")
    {
        endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete], GraphQLEndpoint.HandleAsync)
            .WithName("GraphQL")
            .WithTags("GraphQL")
            .WithSummary("GraphQL (schema: contracts/graphql/schema.graphql)")
            .ExcludeFromDescription()
            .AllowAnonymous()
            .DisableAntiforgery();
        return endpoints;
    }

    /// <summary>Introspection defaults to on in Development and Testing only.</summary>
    private sealed class IntrospectionDefault(IHostEnvironment environment) : IPostConfigureOptions<AgoraGraphQLOptions>
    {
        public void PostConfigure(string? name, AgoraGraphQLOptions options) =>
            options.EnableIntrospection ??= environment.IsDevelopment() || environment.IsEnvironment("Testing");
    }
}
