using System.Text.Json.Nodes;
using Agora.Web.Features.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agora.Web.Features.Shop;

/// <summary>What every client of the gateway in the web app shares (the shop's, the console's, the catalogue's).</summary>
internal static class GatewayCalls
{
    /// <summary>
    /// <typeparamref name="TClient"/> on the gateway's address (<see cref="WebOptions.GatewayUrl"/>), with the storefront's
    /// resilience at <paramref name="attempt"/> per call, telling the gateway the visitor's address (<see cref="VisitorAddress"/>).
    /// </summary>
    public static IHttpClientBuilder AddGatewayClient<TClient>(this IHostApplicationBuilder builder, TimeSpan attempt)
        where TClient : class
    {
        var gateway = builder.Configuration.GetSection(WebOptions.SectionName).Get<WebOptions>()?.GatewayUrl ?? new WebOptions().GatewayUrl;
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddTransient<VisitorAddress>();
        return builder.Services.AddHttpClient<TClient>(c => c.BaseAddress = new Uri(gateway))
            .WithStorefrontResilience(attempt)
            .AddHttpMessageHandler<VisitorAddress>();
    }

    /// <summary>An answer's body as JSON, or null when it is empty or not JSON (a proxy's HTML error page, say).</summary>
    public static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        return text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true
            ? JsonNode.Parse(text)
            : null;
    }
}
