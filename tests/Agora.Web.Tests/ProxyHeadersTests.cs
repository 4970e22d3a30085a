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
        var app = builder.Build();
        app.UseProxyHeaders();
        app.MapGet("/", (HttpContext c) => c.Request.Scheme + "://" + c.Request.Host);
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
}
