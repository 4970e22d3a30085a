using System.Net;
using Agora.Web.Features.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Web.Tests;

/// <summary>
/// Behind the ingress that terminates TLS, the storefront must see https and the public host (the OIDC redirect
/// address and Secure cookies depend on it), but only when the ingress says so: a browser sending the same headers
/// directly changes nothing.
/// </summary>
public sealed class ProxyHeadersTests
{
    [Fact]
    public async Task A_trusted_proxys_forwarded_scheme_and_host_are_what_the_app_sees()
    {
        await using var app = await StartAsync("10.0.0.0/8");

        var seen = await SeenAsync(app, from: "10.42.0.7");

        Assert.Equal("https://shop.example.com", seen);
    }

    [Fact]
    public async Task Anyone_elses_forwarded_headers_are_ignored()
    {
        await using var app = await StartAsync("10.0.0.0/8");

        var seen = await SeenAsync(app, from: "203.0.113.9");

        Assert.Equal("http://web:8080", seen);
    }

    [Fact]
    public async Task By_default_only_loopback_is_trusted()
    {
        await using var app = await StartAsync(trusted: null);

        Assert.Equal("http://web:8080", await SeenAsync(app, from: "10.42.0.7"));
        Assert.Equal("https://shop.example.com", await SeenAsync(app, from: "127.0.0.1"));
    }

    [Fact]
    public async Task A_malformed_proxy_entry_stops_the_start_naming_the_setting()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync("ten-dot-zero"));
        Assert.Contains("Web:TrustedProxies", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_is_told_the_visitors_address_from_a_trusted_ingress()
    {
        await using var app = await StartAsync("10.0.0.0/8");

        Assert.Equal("198.51.100.4", await ForwardedToGatewayAsync(app, from: "10.42.0.7", claimed: "198.51.100.4"));
    }

    [Fact]
    public async Task A_visitor_cannot_choose_the_address_the_gateway_is_told()
    {
        await using var app = await StartAsync("10.0.0.0/8");

        Assert.Equal("203.0.113.9", await ForwardedToGatewayAsync(app, from: "203.0.113.9", claimed: "192.0.2.1"));
        Assert.Equal("203.0.113.9", await ForwardedToGatewayAsync(app, from: "203.0.113.9", claimed: null));
    }

    private static async Task<WebApplication> StartAsync(string? trusted)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseTestServer();
        builder.Services.AddRouting();
        if (trusted is not null)
        {
            builder.Configuration["Web:TrustedProxies:0"] = trusted;
        }

        builder.AddProxyHeaders();
        builder.Services.AddHttpContextAccessor();
        var app = builder.Build();
        app.UseProxyHeaders();
        app.MapGet("/", (HttpContext c) => c.Request.Scheme + "://" + c.Request.Host);
        // What the storefront's calls to the gateway carry (VisitorAddress on its HttpClient; the "gateway" echoes it).
        app.MapGet("/gateway-sees", async (HttpContext c) =>
        {
            using var client = new HttpClient(new VisitorAddress(c.RequestServices.GetRequiredService<IHttpContextAccessor>()) { InnerHandler = new Echo() });
            return await client.GetStringAsync(new Uri("http://gateway/"));
        });
        await app.StartAsync();
        return app;
    }

    private static async Task<string> SeenAsync(WebApplication app, string from)
    {
        var context = await app.GetTestServer().SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(from);
            c.Request.Path = "/";
            c.Request.Host = new HostString("web:8080");
            c.Request.Headers["X-Forwarded-Proto"] = "https";
            c.Request.Headers["X-Forwarded-Host"] = "shop.example.com";
        });
        using var reader = new StreamReader(context.Response.Body);
        return await reader.ReadToEndAsync();
    }

    private static async Task<string> ForwardedToGatewayAsync(WebApplication app, string from, string? claimed)
    {
        var context = await app.GetTestServer().SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(from);
            c.Request.Path = "/gateway-sees";
            if (claimed is not null)
            {
                c.Request.Headers["X-Forwarded-For"] = claimed;
            }
        });
        using var reader = new StreamReader(context.Response.Body);
        return await reader.ReadToEndAsync();
    }

    private sealed class Echo : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(request.Headers.TryGetValues("X-Forwarded-For", out var values) ? string.Join(",", values) : "(none)"),
            });
    }
}
