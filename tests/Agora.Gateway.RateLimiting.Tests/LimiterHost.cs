using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Agora.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Agora.Gateway.RateLimiting.Tests;

/// <summary>
/// A gateway-shaped host on a TestServer: authentication, then <c>UseAgoraRateLimiting</c>, then endpoints. For every
/// configured policy <c>/agora/{name}</c> selects it with <c>RequireAgoraRateLimit</c> and <c>/yarp/{name}</c> with
/// ASP.NET's <c>EnableRateLimitingAttribute</c> (the metadata YARP puts on a route with <c>RateLimiterPolicy</c>);
/// <c>/none</c> names no policy and <c>/disabled</c> opts out.
/// </summary>
/// <remarks>
/// Test inputs at the host's edge: <c>X-Test-Peer</c> is the connection's remote address (default 198.51.100.1), and
/// <c>X-Test-Sub</c>, <c>X-Test-Client</c>, <c>X-Test-ApiKey</c> authenticate the caller with those claims, as the
/// gateway's JWT and API-key handlers do. <c>X-Test-Unverified</c> is a credential not known to be good (the
/// <see cref="IPreAuthenticationScreen"/> flags it, the handler refuses it), like a made-up API key at the gateway.
/// The stage before authentication runs first; <c>/charge/{n}</c> (policy <c>costly</c>, when configured) takes n more.
/// </remarks>
internal sealed class LimiterHost : IAsyncDisposable
{
    public const string DefaultPeer = "198.51.100.1";

    private readonly WebApplication _app;

    private LimiterHost(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    /// <summary>How many times the authentication handler ran (what a flood would cost whoever checks credentials).</summary>
    public int Authentications => _app.Services.GetRequiredService<AuthenticationCalls>().Count;

    public MetricCollector<long> Collect(string instrument) =>
        new(_app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RateLimitTelemetry.MeterName, instrument);

    public static async Task<LimiterHost> StartAsync(IDictionary<string, string?> settings, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        builder.Services.AddAuthentication(TestAuthHandler.Name)
            .AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.Name, null);
        builder.Services.AddAgoraRateLimiting(builder.Configuration.GetSection(AgoraRateLimitingOptions.SectionName));
        builder.Services.AddSingleton<IPreAuthenticationScreen, UnverifiedHeaderScreen>();
        builder.Services.AddSingleton<AuthenticationCalls>();

        var app = builder.Build();
        app.Use((context, next) =>
        {
            var peer = context.Request.Headers["X-Test-Peer"].ToString();
            context.Connection.RemoteIpAddress = IPAddress.Parse(peer.Length > 0 ? peer : DefaultPeer);
            return next(context);
        });
        app.UseAgoraPreAuthenticationRateLimiting();
        app.UseAuthentication();
        app.UseAgoraRateLimiting();

        var policies = app.Services.GetRequiredService<IOptions<AgoraRateLimitingOptions>>().Value.Policies.Keys;
        foreach (var name in policies)
        {
            app.MapGet($"/agora/{name}", () => "ok").RequireAgoraRateLimit(name);
            app.MapGet($"/yarp/{name}", () => "ok").RequireRateLimiting(name);
        }

        app.MapGet("/none", () => "ok");
        app.MapGet("/charge/{permits:int}", async (int permits, HttpContext context) =>
        {
            // An endpoint whose requests cost more than one (GraphQL): it charges the rest before doing the work.
            var feature = context.Features.Get<IAgoraRateLimitFeature>();
            if (feature is null)
            {
                return Results.Text("no-feature");
            }

            var charge = await feature.TryAcquireAsync(permits, context.RequestAborted);
            return charge.Allowed ? Results.Text("charged") : Results.Text("refused", statusCode: StatusCodes.Status429TooManyRequests);
        }).RequireAgoraRateLimit("costly");
        app.MapGet("/cleared", (HttpContext context) =>
        {
            // What an error page does (the gateway's 502 envelope, ServiceDefaults' exception envelope).
            context.Response.Headers["X-Before"] = "set";
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return Task.CompletedTask;
        });
        app.MapGet("/health/live", () => "ok");
        app.MapGet("/metrics", () => "ok");
        app.MapGet("/healthy-products", () => "ok");
        app.MapGet("/disabled", () => "ok").DisableRateLimiting();
        await app.StartAsync();
        return new LimiterHost(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        var options = _app.Services.GetRequiredService<IOptions<AgoraRateLimitingOptions>>().Value;
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (options.Redis is { Length: > 0 } redis && options.KeyPrefix.StartsWith("test:", StringComparison.Ordinal))
        {
            await DeleteKeysAsync(redis, options.KeyPrefix);
        }
    }

    /// <summary>Removes this test's keys from the shared Redis (best effort: a stopped private Redis has none to keep).</summary>
    private static async Task DeleteKeysAsync(string redis, string prefix)
    {
        try
        {
            var configuration = StackExchange.Redis.ConfigurationOptions.Parse(redis);
            configuration.AbortOnConnectFail = true;
            configuration.ConnectTimeout = 2000;
            await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(configuration);
            var server = connection.GetServers()[0];
            var keys = new List<StackExchange.Redis.RedisKey>();
            await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
            {
                keys.Add(key);
            }

            if (keys.Count > 0)
            {
                await connection.GetDatabase().KeyDeleteAsync([.. keys]);
            }
        }
        catch (StackExchange.Redis.RedisConnectionException)
        {
        }
    }

    /// <summary>Authenticates from test headers, the way the gateway's handlers turn a JWT or an API key into claims.</summary>
    private sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "Test";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            Context.RequestServices.GetRequiredService<AuthenticationCalls>().Increment();
            if (Request.Headers.ContainsKey(UnverifiedHeaderScreen.Header))
            {
                // A made-up key: checked (which costs), and refused.
                return Task.FromResult(AuthenticateResult.Fail("unknown key"));
            }

            var claims = new List<Claim>();
            Add(claims, "X-Test-Sub", "sub");
            Add(claims, "X-Test-Client", "client_id");
            Add(claims, "X-Test-ApiKey", "api_key_id");
            if (claims.Count == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Name));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Name)));
        }

        private void Add(List<Claim> claims, string header, string type)
        {
            if (Request.Headers[header].ToString() is { Length: > 0 } value)
            {
                claims.Add(new Claim(type, value));
            }
        }
    }
}

/// <summary>Flags requests carrying <c>X-Test-Unverified</c>, as the gateway flags keys it has not verified.</summary>
internal sealed class UnverifiedHeaderScreen : IPreAuthenticationScreen
{
    public const string Header = "X-Test-Unverified";

    public bool CountByAddress(HttpContext context) => context.Request.Headers.ContainsKey(Header);
}

/// <summary>Counts authentication handler runs.</summary>
internal sealed class AuthenticationCalls
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}
