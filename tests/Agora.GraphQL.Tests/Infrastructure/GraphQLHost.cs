using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Contracts.Catalog.V1;
using Agora.Contracts.Users;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Agora.GraphQL.Tests.Infrastructure;

/// <summary>Where the GraphQL host finds each backend: a handler into the service's TestServer, or nothing (down).</summary>
public sealed record Backends(Func<HttpMessageHandler> Identity, Func<HttpMessageHandler> Catalog, Func<HttpMessageHandler> Ordering,
    Func<HttpMessageHandler>? Search);

/// <summary>
/// A small host that does what the gateway does with the library: <c>AddServiceDefaults</c> (request ids, resilience for
/// outgoing calls), <c>AddAgoraGraphQL</c> and <c>MapAgoraGraphQL</c>. Its backend clients reach the real services'
/// TestServers; every call is counted in <see cref="Calls"/>.
/// </summary>
public sealed class GraphQLHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GraphQLHost(WebApplication app, BackendCalls calls)
    {
        _app = app;
        Calls = calls;
        Client = app.GetTestClient();
    }

    public BackendCalls Calls { get; }

    public HttpClient Client { get; }

    public static async Task<GraphQLHost> StartAsync(Backends backends, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ApplicationName = "Agora.GraphQL.Tests" });
        builder.WebHost.UseTestServer();
        builder.Services.AddRouting();
        builder.Services.AddLogging();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Never the AppHost's ports: every backend is reached through its handler below, at a made-up host.
            ["Agora:Services:identity:Http"] = "http://identity.test",
            ["Agora:Services:catalog:Http"] = "http://catalog.test",
            ["Agora:Services:ordering:Http"] = "http://ordering.test",
            ["Agora:Services:search:Http"] = "http://127.0.0.1:" + TestServers.FreePort(),
            ["Agora:Services:identity:Grpc"] = "http://identity.test",
            ["Agora:Services:catalog:Grpc"] = "http://catalog.test",
            ["Agora:DataDirectory"] = Path.Combine(Path.GetTempPath(), "agora-tests", "graphql-" + Guid.NewGuid().ToString("N")[..8]),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddServiceDefaults("gateway");
        builder.Services.AddAgoraGraphQL(builder.Configuration);

        var calls = new BackendCalls();
        Route(builder.Services.AddHttpClient("agora-graphql-identity"), backends.Identity, calls, "identity");
        Route(builder.Services.AddHttpClient("agora-graphql-catalog"), backends.Catalog, calls, "catalog");
        Route(builder.Services.AddHttpClient("agora-graphql-ordering"), backends.Ordering, calls, "ordering");
        if (backends.Search is not null)
        {
            Route(builder.Services.AddHttpClient("agora-graphql-search"), backends.Search, calls, "search");
        }
        else
        {
            builder.Services.AddHttpClient("agora-graphql-search").AddHttpMessageHandler(() => calls.Handler("search"));
        }

        Route(builder.Services.AddGrpcClient<CatalogService.CatalogServiceClient>(), backends.Catalog, calls, "catalog-grpc");
        Route(builder.Services.AddGrpcClient<UserService.UserServiceClient>(), backends.Identity, calls, "identity-grpc");

        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapAgoraGraphQL();
        await app.StartAsync();
        return new GraphQLHost(app, calls);
    }

    private static void Route(IHttpClientBuilder client, Func<HttpMessageHandler> handler, BackendCalls calls, string name) =>
        client.ConfigurePrimaryHttpMessageHandler(handler).AddHttpMessageHandler(() => calls.Handler(name));

    /// <summary>POSTs a GraphQL request (with <paramref name="token"/> as the bearer, if any) and returns the response.</summary>
    public async Task<HttpResponseMessage> PostAsync(string query, object? variables = null, string? token = null, string? requestId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query, variables }) };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        if (requestId is not null)
        {
            request.Headers.Add("X-Request-ID", requestId);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>POSTs and returns the body, asserting 200.</summary>
    public async Task<JsonNode> QueryAsync(string query, object? variables = null, string? token = null)
    {
        var response = await PostAsync(query, variables, token);
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
